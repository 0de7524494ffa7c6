def combine_pickup_and_unstack(ob1, ob2):
    """Pick up ob1 and unstack ob2 on top of ob1."""
    if not pickup(ob1):
        return f'Could not pick up {ob1}'
    if not unstack(ob1, ob2):
        return f'Could not unstack {ob2} on top of {ob1}'
    return 'Ob2 is now stacked on ob1'

def combine_pickup_and_stack(ob1, ob2):
    """Pick up ob1 and stack ob2 on top of ob1."""
    if not pickup(ob1):
        return f'Could not pick up {ob1}'
    if not stack(ob1, ob2):
        return f'Could not stack {ob2} on top of {ob1}'
    return 'Ob2 is now stacked on ob1'