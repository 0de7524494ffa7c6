"""A hand-written action library for pddl/barman (and pddl-gen/barman).

The basic actions (grasp, leave, fill_shot, refill_shot, empty_shot, clean_shot,
pour_shot_to_clean_shaker, pour_shot_to_used_shaker, empty_shaker, clean_shaker, shake,
pour_shaker_to_shot) are bound as globals when this runs in the sandbox; each returns the
observation text and raises ActionFailed if the environment rejects it. As in every
AgentBoard and generated barman problem, dispenserN dispenses ingredientN and the shaker
has the levels l0, l1, l2.
"""


def _dispenser(ingredient):
    return "dispenser" + ingredient[len("ingredient") :]


def fill_shot_with(shot, ingredient):
    """Fill a clean, empty shot on the table with ingredient and put it back on the table.
    Both hands must be empty. Returns the state afterwards."""
    grasp("left", shot)
    fill_shot(shot, ingredient, "left", "right", _dispenser(ingredient))
    return leave("left", shot)


def make_cocktail(cocktail, part1, part2, shot):
    """Mix cocktail from its two parts (part1 and part2, as the state lists them) in the
    shaker and pour it into shot. The shot must be clean, empty and on the table, the
    shaker clean and empty at level l0, both hands empty. The shot carries each part to
    the shaker and is cleaned after each; the shaker ends clean and empty, both hands
    empty. Returns the state afterwards."""
    grasp("left", shot)
    fill_shot(shot, part1, "left", "right", _dispenser(part1))
    pour_shot_to_clean_shaker(shot, part1, "shaker1", "left", "l0", "l1")
    clean_shot(shot, part1, "left", "right")
    fill_shot(shot, part2, "left", "right", _dispenser(part2))
    pour_shot_to_used_shaker(shot, part2, "shaker1", "left", "l1", "l2")
    clean_shot(shot, part2, "left", "right")
    leave("left", shot)
    grasp("left", "shaker1")
    shake(cocktail, part1, part2, "shaker1", "left", "right")
    result = pour_shaker_to_shot(cocktail, shot, "left", "shaker1", "l2", "l1")
    empty_shaker("left", "shaker1", cocktail, "l1", "l0")
    clean_shaker("left", "right", "shaker1")
    leave("left", "shaker1")
    return result
