; learnact's blocks world (written for learnact; Apache-2.0).
; One arm moves blocks between the table and towers, one block at a time.
; Action names and parameters match AgentBoard's blockworld (4 operators).
(define (domain blockworld)
  (:requirements :strips :typing)
  (:types block)
  (:predicates
    (clear ?x - block)        ; nothing is on the block and it is not held
    (on-table ?x - block)
    (arm-empty)
    (holding ?x - block)
    (on ?x - block ?y - block))

  (:action pickup
    :parameters (?ob - block)
    :precondition (and (arm-empty) (clear ?ob) (on-table ?ob))
    :effect (and (not (arm-empty)) (not (clear ?ob)) (not (on-table ?ob)) (holding ?ob)))

  (:action putdown
    :parameters (?ob - block)
    :precondition (holding ?ob)
    :effect (and (not (holding ?ob)) (on-table ?ob) (clear ?ob) (arm-empty)))

  (:action stack
    :parameters (?ob - block ?underob - block)
    :precondition (and (holding ?ob) (clear ?underob))
    :effect (and (not (holding ?ob)) (not (clear ?underob))
                 (on ?ob ?underob) (clear ?ob) (arm-empty)))

  (:action unstack
    :parameters (?ob - block ?underob - block)
    :precondition (and (arm-empty) (clear ?ob) (on ?ob ?underob))
    :effect (and (not (arm-empty)) (not (clear ?ob)) (not (on ?ob ?underob))
                 (holding ?ob) (clear ?underob))))
