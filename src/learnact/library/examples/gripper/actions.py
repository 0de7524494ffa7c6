"""A hand-written action library for pddl/gripper (and pddl-gen/gripper).

The basic actions pick(obj, room, gripper), move(from_, to) and drop(obj, room, gripper)
are bound as globals when this runs in the sandbox; each returns the observation text and
raises ActionFailed if the environment rejects it.
"""


def carry(obj, from_room, to_room, gripper):
    """Pick up obj in from_room with gripper, move to to_room and drop it there.

    Robby must be in from_room with gripper free. Returns the observation after the drop.
    """
    pick(obj, from_room, gripper)
    move(from_room, to_room)
    return drop(obj, to_room, gripper)


def carry_pair(obj1, obj2, from_room, to_room):
    """Carry two balls at once: obj1 in the left gripper, obj2 in the right one.

    Robby must be in from_room with both grippers free. Robby ends in to_room.
    """
    pick(obj1, from_room, "left")
    pick(obj2, from_room, "right")
    move(from_room, to_room)
    drop(obj1, to_room, "left")
    return drop(obj2, to_room, "right")
