# New action: move_and_pick
def move_and_pick(from_, to, obj, gripper):
    # First, move Robby to the target room
    move(from_, to)
    # Then, pick the object with the free gripper
    pick(obj, to, gripper)
    return "Moved and picked the object"

# Example: move_and_pick('rooma', 'roomb', 'ball1', 'left')

# New action: move_and_drop
def move_and_drop(from_, to, obj, gripper):
    # First, move Robby to the target room
    move(from_, to)
    # Then, drop the object with the free gripper
    drop(obj, to, gripper)
    return "Moved and dropped the object"

# Example: move_and_drop('rooma', 'roomb', 'ball2', 'right')

# New action: pick_and_drop
def pick_and_drop(obj, from_, to, gripper):
    # First, pick the object with the free gripper
    pick(obj, from_, gripper)
    # Then, drop the object with the free gripper
    drop(obj, to, gripper)
    return "Picked and dropped the object"

# Example: pick_and_drop('ball1', 'rooma', 'roomb', 'left')
