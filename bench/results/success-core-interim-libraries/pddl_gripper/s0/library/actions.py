# New action: move_and_pick
def move_and_pick(from_, to, obj, gripper):
    """
    Move Robby from room from_ to room to, and pick up the ball obj in room from_ with gripper gripper.
    :param from_: str, the room Robby is currently in
    :param to: str, the room Robby should move to
    :param obj: str, the ball to pick up
    :param gripper: str, the gripper Robby should use
    :return: str, the observation text
    """
    if gripper == 'left':
        move(from_, to)
        pick(obj, from_, 'left')
    elif gripper == 'right':
        move(from_, to)
        pick(obj, from_, 'right')
    else:
        return "Error: Invalid gripper."

# Example: move_and_pick('rooma', 'roomb', 'ball1', 'left')
# Example: move_and_pick('roomb', 'rooma', 'ball2', 'right')