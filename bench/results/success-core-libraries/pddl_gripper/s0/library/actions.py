def move_to_room(from_room, to_room):
    if from_room == to_room:
        return 'No action needed.'
    else:
        return move(from_room, to_room)

def pick_and_drop(obj, from_room, to_room, gripper):
    if gripper == 'left':
        move_to_room(from_room, to_room)
        pick(obj, from_room, gripper)
        drop(obj, to_room, gripper)
    elif gripper == 'right':
        move_to_room(from_room, to_room)
        pick(obj, from_room, gripper)
        drop(obj, to_room, gripper)
    else:
        return 'Invalid gripper.'

def move_and_pick(obj, from_room, to_room):
    if from_room != to_room:
        move(from_room, to_room)
    return pick(obj, to_room, gripper)

def move_and_drop(obj, from_room, to_room):
    if from_room != to_room:
        move(from_room, to_room)
    return drop(obj, to_room, gripper)