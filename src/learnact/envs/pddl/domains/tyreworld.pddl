; learnact's tyre world (written for learnact; Apache-2.0).
; Replace flat wheels with intact spare ones: tools and spares are in the boot;
; a hub must be jacked up and unfastened before its wheel comes off.
; Action names and parameters match AgentBoard's tyreworld.
(define (domain tyreworld)
  (:requirements :strips :typing)
  (:types obj container hub - object
          tool wheel nut - obj)
  (:constants wrench jack pump - tool)
  (:predicates
    (isopen ?c - container) (closed ?c - container) (unlocked ?c - container)
    (in ?x - obj ?c - container)        ; an object stored in a container
    (have ?x - obj)                     ; an object in hand
    (tight ?n - nut ?h - hub) (loose ?n - nut ?h - hub)
    (on-ground ?h - hub) (not-on-ground ?h - hub)
    (fastened ?h - hub) (unfastened ?h - hub)
    (free ?h - hub)                     ; no wheel on the hub
    (on ?w - wheel ?h - hub)
    (inflated ?w - wheel) (not-inflated ?w - wheel) (intact ?w - wheel))

  (:action open
    :parameters (?x - container)
    :precondition (and (closed ?x) (unlocked ?x))
    :effect (and (not (closed ?x)) (isopen ?x)))

  (:action close
    :parameters (?x - container)
    :precondition (isopen ?x)
    :effect (and (not (isopen ?x)) (closed ?x)))

  (:action fetch
    :parameters (?x - obj ?y - container)
    :precondition (and (isopen ?y) (in ?x ?y))
    :effect (and (not (in ?x ?y)) (have ?x)))

  (:action put-away
    :parameters (?x - obj ?y - container)
    :precondition (and (isopen ?y) (have ?x))
    :effect (and (not (have ?x)) (in ?x ?y)))

  (:action loosen
    :parameters (?x - nut ?y - hub)
    :precondition (and (have wrench) (on-ground ?y) (tight ?x ?y))
    :effect (and (not (tight ?x ?y)) (loose ?x ?y)))

  (:action tighten
    :parameters (?x - nut ?y - hub)
    :precondition (and (have wrench) (on-ground ?y) (loose ?x ?y))
    :effect (and (not (loose ?x ?y)) (tight ?x ?y)))

  ; the jack stays under the raised hub until it is lowered again
  (:action jack-up
    :parameters (?y - hub)
    :precondition (and (have jack) (on-ground ?y))
    :effect (and (not (have jack)) (not (on-ground ?y)) (not-on-ground ?y)))

  (:action jack-down
    :parameters (?y - hub)
    :precondition (not-on-ground ?y)
    :effect (and (not (not-on-ground ?y)) (on-ground ?y) (have jack)))

  (:action undo
    :parameters (?x - nut ?y - hub)
    :precondition (and (have wrench) (not-on-ground ?y) (fastened ?y) (loose ?x ?y))
    :effect (and (not (fastened ?y)) (not (loose ?x ?y)) (unfastened ?y) (have ?x)))

  (:action do-up
    :parameters (?x - nut ?y - hub)
    :precondition (and (have wrench) (have ?x) (not-on-ground ?y) (unfastened ?y))
    :effect (and (not (unfastened ?y)) (not (have ?x)) (fastened ?y) (loose ?x ?y)))

  (:action remove-wheel
    :parameters (?x - wheel ?y - hub)
    :precondition (and (not-on-ground ?y) (unfastened ?y) (on ?x ?y))
    :effect (and (not (on ?x ?y)) (free ?y) (have ?x)))

  (:action put-on-wheel
    :parameters (?x - wheel ?y - hub)
    :precondition (and (have ?x) (free ?y) (unfastened ?y) (not-on-ground ?y))
    :effect (and (not (have ?x)) (not (free ?y)) (on ?x ?y)))

  (:action inflate
    :parameters (?x - wheel)
    :precondition (and (have pump) (intact ?x) (not-inflated ?x))
    :effect (and (not (not-inflated ?x)) (inflated ?x))))
