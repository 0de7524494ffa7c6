; learnact's gripper domain (written for learnact; Apache-2.0).
; Robby, a robot with two grippers, carries balls between rooms.
; Action names and parameters match AgentBoard's gripper so learned actions transfer.
(define (domain gripper)
  (:requirements :strips :typing)
  (:types room ball gripper)
  (:predicates
    (at-robby ?r - room)            ; where Robby is
    (at ?b - ball ?r - room)        ; a ball lying in a room
    (free ?g - gripper)             ; the gripper holds nothing
    (carry ?b - ball ?g - gripper)) ; the gripper holds the ball

  (:action move
    :parameters (?from - room ?to - room)
    :precondition (at-robby ?from)
    :effect (and (not (at-robby ?from)) (at-robby ?to)))

  (:action pick
    :parameters (?obj - ball ?room - room ?gripper - gripper)
    :precondition (and (at-robby ?room) (at ?obj ?room) (free ?gripper))
    :effect (and (not (at ?obj ?room)) (not (free ?gripper)) (carry ?obj ?gripper)))

  (:action drop
    :parameters (?obj - ball ?room - room ?gripper - gripper)
    :precondition (and (at-robby ?room) (carry ?obj ?gripper))
    :effect (and (not (carry ?obj ?gripper)) (at ?obj ?room) (free ?gripper))))
