"""LearnAct's learner: create actions, evaluate them, revise them, keep the best."""
