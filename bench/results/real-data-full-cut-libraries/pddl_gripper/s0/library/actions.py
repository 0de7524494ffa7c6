def move_and_pick(from_, to, obj, gripper):
    move(from_, to)
    if obj == to:
        pick(obj, to, gripper)
        return 'Moved and picked the object'
    else:
        return f'Error: The action is not valid and therefore takes no effect. pick {obj} {to} {gripper} requires that {obj} is at {to}, but that is false now.'

def move_and_drop(from_, to, obj, gripper):
    move(from_, to)
    if obj == to and gripper == 'left':
        drop(obj, to, gripper)
        return 'Moved and dropped the object'
    else:
        return f'Error: The action is not valid and therefore takes no effect. drop {obj} {to} {gripper} requires that {obj} is at {to} and {gripper} is carrying {obj}, but that is false now.'

def pick_and_drop(obj, from_, to, gripper):
    pick(obj, from_, gripper)
    drop(obj, to, gripper)
    return 'Picked and dropped the object'