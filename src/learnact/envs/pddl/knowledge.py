"""What learnact knows about its four PDDL task types: sentences, action docs, instructions.

Both AgentBoard's domain files and learnact's own use the same predicate and action
names, so one entry serves ``pddl/<type>`` and ``pddl-gen/<type>``. Unknown domains fall
back to generic sentences (render.py) and signature-derived docs (`action_doc`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from learnact.envs.pddl import model as m
from learnact.envs.pddl.render import TextStyle

ANSWER_FORMAT = (
    "At each step, answer with exactly ONE line of Python that calls one action with string "
    "arguments, for example {call}. After each action you observe the whole current state. "
    "An action whose preconditions do not hold takes no effect and you are told why. "
    "Reach the goal in as few steps as possible."
)


@dataclass(frozen=True)
class DomainKnowledge:
    key: str  # task type: gripper, blockworld, tyreworld, barman
    style: TextStyle
    docs: dict[str, str]  # PDDL action name -> one-line doc
    description: str  # what the environment is (first part of the instruction)
    example_call: str
    domain_names: tuple[str, ...] = field(default_factory=tuple)  # (:domain ...) names we know

    def instruction(self) -> str:
        """The agent's instruction: the environment's description, then the answer format with
        ``example_call`` as the example."""
        return f"{self.description}\n\n{ANSWER_FORMAT.format(call=self.example_call)}"


GRIPPER = DomainKnowledge(
    key="gripper",
    domain_names=("gripper", "gripper-strips"),
    style=TextStyle(
        templates={
            "at-robby": "robby is at {0}",
            "at": "{0} is at {1}",
            "carry": "{1} gripper is carrying {0}",
            "free": "{0} gripper is free",
        },
        nouns={"room": "Rooms", "ball": "Balls", "gripper": "Grippers"},
    ),
    docs={
        "move": "Move Robby from room from_ to room to.",
        "pick": "Pick up ball obj in room room with gripper gripper (Robby in room, gripper free).",
        "drop": "Drop ball obj, carried by gripper gripper, in room room where Robby is.",
    },
    description=(
        "You control Robby, a robot with two grippers (left and right) in a building of "
        "rooms. Each gripper can carry one ball. Robby can move between rooms, pick up a "
        "ball in the room where he is with a free gripper, and drop a carried ball in the "
        "room where he is. The goal says in which room each ball must end up."
    ),
    example_call="pick('ball1', 'rooma', 'left')",
)

BLOCKWORLD = DomainKnowledge(
    key="blockworld",
    domain_names=("blockworld", "blocksworld-4ops", "blocksworld"),
    style=TextStyle(
        templates={
            "holding": "the arm is holding {0}",
            "arm-empty": "the arm is empty",
            "on": "{0} is on {1}",
            "on-table": "{0} is on the table",
            "clear": "{0} is clear",
        },
        nouns={"block": "Blocks"},
    ),
    docs={
        "pickup": "Pick up block ob from the table (ob clear, arm empty).",
        "putdown": "Put down the held block ob on the table.",
        "stack": "Stack the held block ob on the clear block underob.",
        "unstack": "Take the clear block ob off the block underob (arm empty).",
    },
    description=(
        "You control a robot arm over a table with blocks. Blocks stand on the table or on "
        "one another, forming towers. The arm holds at most one block: it can pick up a "
        "clear block from the table, unstack a clear block from the block below it, put the "
        "held block down on the table, or stack it on a clear block. A block is clear when "
        "nothing is on it. The goal says which block must be on which."
    ),
    example_call="unstack('b2', 'b1')",
)

TYREWORLD = DomainKnowledge(
    key="tyreworld",
    domain_names=("tyreworld",),
    style=TextStyle(
        templates={
            "have": "you have {0}",
            "in": "{0} is in {1}",
            "isopen": "{0} is open",
            "closed": "{0} is closed",
            "unlocked": "{0} is unlocked",
            "on": "{0} is on {1}",
            "free": "{0} has no wheel on it",
            "on-ground": "{0} is on the ground",
            "not-on-ground": "{0} is jacked up",
            "tight": "{0} is tight on {1}",
            "loose": "{0} is loose on {1}",
            "fastened": "{0} is fastened",
            "unfastened": "{0} is unfastened",
            "inflated": "{0} is inflated",
            "not-inflated": "{0} is not inflated",
            "intact": "{0} is intact",
        },
        nouns={
            "hub": "Hubs",
            "wheel": "Wheels",
            "nut": "Nuts",
            "tool": "Tools",
            "container": "Containers",
        },
    ),
    docs={
        "open": "Open the closed, unlocked container x.",
        "close": "Close the open container x.",
        "fetch": "Take object x out of the open container y.",
        "put-away": "Put object x that you have into the open container y.",
        "loosen": "Loosen the tight nut x on hub y with the wrench (hub on the ground).",
        "tighten": "Tighten the loose nut x on hub y with the wrench (hub on the ground).",
        "jack-up": "Jack up hub y (you need the jack; it stays under the hub).",
        "jack-down": "Lower the jacked-up hub y; you get the jack back.",
        "undo": "Remove the loose nut x from the jacked-up, fastened hub y (needs the wrench).",
        "do-up": "Fasten nut x, which you have, on the jacked-up hub y (needs the wrench).",
        "remove-wheel": "Take wheel x off the jacked-up, unfastened hub y.",
        "put-on-wheel": "Put wheel x, which you have, on the jacked-up, unfastened, free hub y.",
        "inflate": "Inflate the intact wheel x with the pump (you need the pump).",
    },
    description=(
        "You must replace flat wheels on a car with the intact spare wheels. The tools "
        "(wrench, jack, pump) and the spares are in the boot, which must be opened first. "
        "To change the wheel on a hub: loosen its nut with the wrench while the hub is on "
        "the ground, jack the hub up, undo the nut, remove the old wheel, put on the spare, "
        "do the nut up, jack the hub down and tighten the nut. Inflate spares with the pump "
        "and put old wheels away in the boot when the goal asks for it."
    ),
    example_call="fetch('wrench', 'boot')",
)

BARMAN = DomainKnowledge(
    key="barman",
    domain_names=("barman",),
    style=TextStyle(
        templates={
            "holding": "{0} hand is holding {1}",
            "handempty": "{0} hand is empty",
            "ontable": "{0} is on the table",
            "contains": "{0} contains {1}",
            "empty": "{0} is empty",
            "clean": "{0} is clean",
            "used": "{0} has been used for {1}",
            "shaker-level": "{0} is at level {1}",
            "unshaked": "{0} is not shaken yet",
            "shaked": "{0} has been shaken",
            "shaker-empty-level": "the empty level of {0} is {1}",
            "dispenses": "{0} dispenses {1}",
            "next": "level {1} comes after level {0}",
            "cocktail-part1": "the first part of {0} is {1}",
            "cocktail-part2": "the second part of {0} is {1}",
        },
        nouns={
            "hand": "Hands",
            "shot": "Shots",
            "shaker": "Shakers",
            "ingredient": "Ingredients",
            "cocktail": "Cocktails",
            "dispenser": "Dispensers",
            "level": "Levels",
        },
    ),
    docs={
        "grasp": "Take container c from the table with the empty hand h.",
        "leave": "Put container c, held in hand h, on the table.",
        "fill-shot": "Fill the clean, empty shot s held in h1 with ingredient i from dispenser d (h2 empty).",
        "refill-shot": "Refill the empty shot s held in h1, last used for ingredient i, from dispenser d (h2 empty).",
        "empty-shot": "Empty the shot p, held in hand h, that contains beverage b.",
        "clean-shot": "Clean the empty shot s held in h1 that was used for beverage b (h2 empty).",
        "pour-shot-to-clean-shaker": "Pour ingredient i from shot s (held in h1) into the clean, empty shaker d, raising its level from l to l1.",
        "pour-shot-to-used-shaker": "Pour ingredient i from shot s (held in h1) into the unshaken shaker d, raising its level from l to l1.",
        "empty-shaker": "Empty the shaken shaker s held in h that contains cocktail b, from level l down to its empty level l1.",
        "clean-shaker": "Clean the empty shaker s held in h1 (h2 empty).",
        "shake": "Shake shaker s (held in h1, h2 empty) holding ingredients d1 and d2, the first and second parts of cocktail b, to make b.",
        "pour-shaker-to-shot": "Pour beverage b from the shaken shaker s (held in h) into the clean, empty shot d, lowering the level from l to l1.",
    },
    description=(
        "You are a robot barman with two hands (left and right), a shaker, shots and "
        "dispensers of ingredients. Fill a shot by holding it in one hand, the other hand "
        "empty, at a dispenser; a used shot must be emptied and cleaned before it takes a "
        "different beverage. A cocktail is made from its first and second part: pour both "
        "ingredients into the shaker from a shot, shake it (holding the shaker in one hand, "
        "the other empty), then pour it into a clean, empty shot. The shaker level rises by "
        "one level per pour in and falls by one per pour out. The goal says what each shot "
        "must contain."
    ),
    example_call="grasp('left', 'shot1')",
)

KNOWN: dict[str, DomainKnowledge] = {k.key: k for k in (GRIPPER, BLOCKWORLD, TYREWORLD, BARMAN)}


def knowledge_for_domain(domain: m.Domain) -> DomainKnowledge | None:
    """The knowledge entry whose domain names include this domain's name, if any."""
    return next((k for k in KNOWN.values() if domain.name in k.domain_names), None)


def action_doc(schema: m.ActionSchema, known: DomainKnowledge | None) -> str:
    """The one-line doc of a basic action: ours if we know it, else from the signature."""
    if known is not None and schema.name in known.docs:
        return known.docs[schema.name]
    args = ", ".join(
        f"{var[1:]}" + (f" ({' or '.join(sorted(types))})" if types else "")
        for var, types in schema.params
    )
    return f"Apply the PDDL action {schema.name}({args}); invalid if its precondition is false."


def generic_instruction(domain: m.Domain) -> str:
    """The instruction for a user domain we know nothing about."""
    first = next(iter(domain.actions.values()), None)
    call = "act('x')"
    if first is not None:
        name = first.name.replace("-", "_")
        call = f"{name}({', '.join(repr(v[1:]) for v, _ in first.params)})"
    description = (
        f"You act in the planning domain '{domain.name}'. The state is a set of facts; each "
        "action changes some facts when its preconditions hold."
    )
    return f"{description}\n\n{ANSWER_FORMAT.format(call=call)}"
