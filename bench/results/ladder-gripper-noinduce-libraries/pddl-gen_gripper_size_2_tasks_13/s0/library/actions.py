def pick_and_drop(obj, from_, to):
    """Pick up obj from room from_ and drop it in room to."""
    pick(obj, from_, 'left')
    drop(obj, to, 'right')

# Example: pick_and_drop('ball1', 'rooma', 'roomb')

def pick_and_move(obj, from_, to):
    """Pick up obj from room from_ and move it to room to."""
    pick(obj, from_, 'left')
    move(from_, to)

# Example: pick_and_move('ball2', 'rooma', 'roomb')