def stack_clear_on_top(ob, clear):
    """
    Stack the held block ob on the clear block underob. This function combines
    the pickup action with the stack action.
    """
    if not pickup(ob):
        return 'Error: Cannot pick up block.'
    if not clear:
        return 'Error: Clear block is not clear.'
    if not stack(ob, clear):
        return 'Error: Cannot stack block.'
    return 'Block stacked.'

def unstack_clear_underneath(ob, clear):
    """
    Take the clear block ob off the block underob. This function combines
    the pickup action with the unstack action.
    """
    if not pickup(ob):
        return 'Error: Cannot pick up block.'
    if not clear:
        return 'Error: Clear block is not clear.'
    if not unstack(ob, clear):
        return 'Error: Cannot unstack block.'
    return 'Block unstacked.'