(define (problem one) (:domain gripper-strips)
  (:objects ball1 - ball rooma roomb - room left - gripper)
  (:init (at-robby rooma) (at ball1 rooma) (free left))
  (:goal (and (at ball1 roomb))))
