def move_and_pick(obj, from_room, to_room, gripper):
    move(from_room, to_room)
    pick(obj, to_room, gripper)

def pick_and_drop(obj, from_room, to_room, gripper):
    pick(obj, from_room, gripper)
    drop(obj, to_room, gripper)

def combine_move_and_pick(obj, from_room, to_room, gripper):
    if obj not in from_room or obj not in to_room:
        print(f'Error: The action is not valid and therefore takes no effect. {obj} is not at {from_room} or {to_room}.')
    else:
        move(from_room, to_room)
        pick(obj, to_room, gripper)

def move_and_drop(obj, from_room, to_room, gripper):
    move(from_room, to_room)
    drop(obj, to_room, gripper)