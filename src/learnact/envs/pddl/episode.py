"""One PDDL task as an environment: commands in, readable observations out."""

from __future__ import annotations

import re
from collections import defaultdict

from learnact.envs.base import CHECK_VALID_COMMAND, NOT_VALID, Episode, ResetResult, StepResult
from learnact.envs.pddl import model as m
from learnact.envs.pddl.render import Renderer, TextStyle, natural_key
from learnact.envs.pddl.simulator import Binding, CompiledAction, State, World, applicable_bindings

# Be forgiving about how a command is written: "Pick(ball1, rooma, 'left')" works too.
SEPARATORS = re.compile(r"[\s(),'\"`]+")


class PddlTask:
    """A problem compiled against its domain; shared (read-only) by its episodes."""

    def __init__(
        self, domain: m.Domain, problem: m.Problem, style: TextStyle | None = None
    ) -> None:
        self.domain = domain
        self.problem = problem
        self.world = World(domain, problem)
        self.actions: dict[str, CompiledAction] = {
            name: self.world.compile_action(schema) for name, schema in domain.actions.items()
        }
        self.renderer = Renderer(domain, problem, style or TextStyle())
        self.goal_parts = m.conjuncts(problem.goal) if problem.goal != m.TRUE else ()
        self._goal_checks = [self.world.compile_formula(g, {}) for g in self.goal_parts]
        self.goal_text = self.renderer.goal(problem.goal)
        self.initial_state: frozenset[m.Atom] = problem.init

    # --- goal -------------------------------------------------------------------------

    def satisfied(self, state: State | frozenset[m.Atom]) -> int:
        """How many of the goal's top-level conjuncts hold in ``state``."""
        return sum(1 for check in self._goal_checks if check(state, ()))

    def fraction(self, state: State | frozenset[m.Atom]) -> float:
        """The share of the goal's top-level conjuncts that hold in ``state``, in [0, 1] (1.0 for an
        empty goal): the per-state value of AgentBoard's progress rate."""
        return self.satisfied(state) / len(self._goal_checks) if self._goal_checks else 1.0

    # --- commands -----------------------------------------------------------------------

    def parse(self, command: str) -> tuple[CompiledAction, Binding] | str:
        """The action and binding a command names, or why it names none (one sentence)."""
        tokens = [t for t in SEPARATORS.split(command.lower()) if t]
        if not tokens:
            return f'The command is empty; write an action and its arguments, e.g. "{self.example_command()}".'
        name, args = tokens[0], tuple(tokens[1:])
        action = self.actions.get(name) or self.actions.get(name.replace("_", "-"))
        if action is None:
            return f'There is no action called "{name}"; the actions are {", ".join(self.actions)}.'
        if len(args) != len(action.params):
            return (
                f"{action.name} takes {len(action.params)} argument(s) "
                f"({', '.join(action.params) or 'none'}) but {len(args)} were given."
            )
        for i, arg in enumerate(args):
            if arg not in self.world.objects:
                return f'There is no object called "{arg}" in this task.'
            if arg not in action.param_objects[i]:
                kinds = " or ".join(sorted(action.param_types[i]))
                return f'"{arg}" cannot be the {action.params[i]} of {action.name}: it must be a {kinds}.'
        return action, args

    def why_not(self, action: CompiledAction, binding: Binding, state: State) -> str | None:
        """None when applicable, else the first false precondition in words."""
        failed = action.failed_condition(state, binding)
        if failed is None:
            return None
        condition = self.renderer.describe(action.conditions[failed].ground(binding))
        return f"{command_of(action, binding)} requires that {condition}, but that is false now."

    def valid_commands(self, state: State | frozenset[m.Atom]) -> list[str]:
        """Every command applicable in ``state`` (e.g. ``"pick ball1 rooma left"``): actions in
        domain order, each one's bindings in natural object order."""
        by_pred: dict[str, list[m.Atom]] = defaultdict(list)
        for atom in state:
            by_pred[atom[0]].append(atom)
        out: list[str] = []
        for action in self.actions.values():
            bindings = sorted(
                set(applicable_bindings(action, state, by_pred)),
                key=lambda b: tuple(natural_key(x) for x in b),
            )
            out.extend(command_of(action, b) for b in bindings)
        return out

    def example_command(self) -> str:
        """The first action with placeholder arguments, e.g. ``pick <obj> <room> <gripper>`` (for
        error messages)."""
        first = next(iter(self.actions.values()), None)
        if first is None:
            return "action arg1 arg2"
        return " ".join([first.name, *(f"<{p}>" for p in first.params)])


def command_of(action: CompiledAction, binding: Binding) -> str:
    """The environment command of a grounded action: its name and objects, space-separated."""
    return " ".join((action.name, *binding))


class PddlEpisode(Episode):
    """A play-through of one `PddlTask`. ``won`` is the goal holding in the current state."""

    def __init__(self, task: PddlTask) -> None:
        self.task = task
        self.state: State = set(task.initial_state)
        self._best = task.fraction(self.state)

    def reset(self) -> ResetResult:
        """Back to the initial state; returns the state in words and the goal text."""
        self.state = set(self.task.initial_state)
        self._best = self.task.fraction(self.state)
        return ResetResult(self.observation(), self.task.goal_text)

    def observation(self) -> str:
        """The current state in words (`Renderer.observation`): the changing facts, then the static
        ones."""
        return self.task.renderer.observation(self.state)

    @property
    def won(self) -> bool:
        """Whether every top-level goal conjunct holds in the current state."""
        return self.task.satisfied(self.state) == len(self.task.goal_parts)

    @property
    def progress(self) -> float:
        """The best share of goal conjuncts satisfied at any point of this play-through, in [0, 1]
        (AgentBoard's progress rate)."""
        return self._best

    def valid_actions(self) -> list[str]:
        """The commands applicable in the current state (`PddlTask.valid_commands`)."""
        return self.task.valid_commands(self.state)

    def state_key(self) -> frozenset[m.Atom]:
        """The facts true now: equal before and after a call that changed nothing."""
        return frozenset(self.state)

    def step(self, command: str) -> StepResult:
        """Apply one command, written loosely (``Pick(ball1, rooma, 'left')`` works too);
        ``check valid actions`` lists the applicable ones. An unknown action or object, a wrong
        number or type of arguments, or a false precondition changes nothing and answers `NOT_VALID`
        (AgentBoard's wording) plus one sentence saying why. ``progress`` is the best-so-far share
        of goal conjuncts."""
        if " ".join(command.lower().split()) == CHECK_VALID_COMMAND:
            listing = ", ".join(self.valid_actions()) or "none"
            return StepResult(f"Valid actions: {listing}.", True, self.won, self._best)
        parsed = self.task.parse(command)
        if isinstance(parsed, str):
            return self._invalid(parsed)
        action, binding = parsed
        reason = self.task.why_not(action, binding, self.state)
        if reason is not None:
            return self._invalid(reason)
        action.apply(self.state, binding)
        satisfied = self.task.satisfied(self.state)
        total = len(self.task.goal_parts)
        fraction = satisfied / total if total else 1.0
        if fraction > self._best:
            self._best = fraction
        return StepResult(self.observation(), True, satisfied == total, self._best)

    def _invalid(self, reason: str) -> StepResult:
        return StepResult(f"{NOT_VALID} {reason}", False, self.won, self._best)
