"""A hand-written action library for pddl/tyreworld (and pddl-gen/tyreworld).

The basic actions (open, close, fetch, put_away, loosen, tighten, jack_up, jack_down, undo,
do_up, remove_wheel, put_on_wheel, inflate) are bound as globals when this runs in the
sandbox; each returns the observation text and raises ActionFailed if the environment
rejects it.
"""


def get_tools(open_boot=True):
    """Open the boot (unless open_boot is False: the state says it is open already) and take
    out the wrench, the jack and the pump (all three are needed to change a tyre). The boot
    stays open. Returns the state afterwards."""
    if open_boot:
        open("boot")
    fetch("wrench", "boot")
    fetch("jack", "boot")
    return fetch("pump", "boot")


def change_tyre(flat, spare, hub, nut):
    """Replace the flat wheel on hub by the spare from the boot, inflate the spare and put
    the flat away in the boot: fetch the spare, loosen the nut (if it is tight), jack the
    hub up, undo the nut, swap the wheels, do the nut up, jack the hub down, tighten the
    nut, inflate the spare (if it is not inflated). Needs the tools in hand (get_tools) and
    the boot open. Returns the state afterwards."""
    state = fetch(spare, "boot").lower()  # every observation is the whole state
    if f"{nut} is tight on {hub}" in state:
        loosen(nut, hub)
    jack_up(hub)
    undo(nut, hub)
    remove_wheel(flat, hub)
    put_on_wheel(spare, hub)
    do_up(nut, hub)
    jack_down(hub)
    state = tighten(nut, hub).lower()
    if f"{spare} is not inflated" in state:
        inflate(spare)
    return put_away(flat, "boot")
