(define (problem one) (:domain rooms)
  (:objects ball1 - ball rooma roomb - room left - gripper)
  (:init (at-robby rooma) (at ball1 rooma) (free left))
  (:goal (forall (?b - ball) (at ?b roomb))))
