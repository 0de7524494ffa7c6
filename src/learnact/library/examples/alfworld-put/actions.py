"""A hand-written action library for alfworld/put: find an object and put it somewhere.

The basic actions (goto, take, put, open, close, toggle, clean, heat, cool, use, examine,
inventory, look) are bound as globals when this runs in the sandbox; each returns the
observation text and raises ActionFailed if the environment rejects it (which ends the
call). The code cannot list the room, so the caller passes the places to search: the
receptacles of the first observation, most likely first.
"""

import re


def _places(places):
    if isinstance(places, str):
        places = places.split(",")
    return [p.strip() for p in places if p.strip()]


def _seen(obj, text):
    """The first object of type obj ('mug', or a named 'mug 1') that text shows."""
    if re.search(r"\d$", obj.strip()):
        return obj.strip() if re.search(r"\b" + re.escape(obj.strip()) + r"\b", text) else None
    m = re.search(r"\b(" + re.escape(obj.strip()) + r" \d+)", text)
    return m.group(1) if m else None


def _visit(place):
    """Go to place and open it if it is closed; what is there, as text."""
    text = goto(place)
    if "is closed" in text:
        text = open(place)
    return text


def _held(obj):
    """The held object of type obj ('mug' -> 'mug 1'), else obj as given."""
    return _seen(obj, inventory()) or obj


def find_and_take(obj, places):
    """Search places in order (a list, or names separated by commas) for an object of type
    obj ('mug', or a named one like 'mug 1'), opening closed receptacles, and take the first
    one found. Hands must be empty. Returns the name of the object taken (e.g. 'mug 1'), or
    '' when none of the places has one (the agent is then at the last place)."""
    for place in _places(places):
        found = _seen(obj, _visit(place))
        if found:
            take(found, place)
            return found
    return ""


def put_in(obj, recep):
    """Go to recep (e.g. 'desk 1'), open it if it is closed, and put the held obj there
    (a type such as 'mug' names the held one).
    Returns the observation of the put."""
    obj = _held(obj)
    _visit(recep)
    return put(obj, recep)
