(define (problem one) (:domain rooms)
  (:objects ball1 rooma roomb left)
  (:init (room rooma) (room roomb) (ball ball1) (gripper left) (at-robby rooma) (at ball1 rooma) (free left))
  (:goal (and (at ball1 roomb))))
