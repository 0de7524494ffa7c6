def move_to_room(room):
    """Move Robby to the specified room."""
    move(room, room)

def pick_up_ball(obj, room):
    """Pick up the specified ball from the specified room."""
    pick(obj, room, 'left')

def drop_ball(obj, room):
    """Drop the specified ball in the specified room."""
    drop(obj, room, 'right')

def move_and_pick(obj, room):
    """Move Robby to the specified room and pick up the specified ball."""
    move_to_room(room)
    pick_up_ball(obj, room)

def move_and_drop(obj, room):
    """Move Robby to the specified room and drop the specified ball."""
    move_to_room(room)
    drop_ball(obj, room)