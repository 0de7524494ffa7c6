"""The Act agent (LearnAct's acting agent) and ReAct, which may also think.

Each step the model sees the instruction with the basic and learned actions, the learned
actions' usage notes, the examples, the goal and the recent history; it answers with one
line of Python, which runs in the sandbox (never in this process).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from learnact import activity
from learnact.agents.context import RunContext
from learnact.agents.grammar import (
    Signature,
    action_grammar,
    basic_signatures,
    learned_signatures,
)
from learnact.agents.history import Entry, History, Truncation
from learnact.agents.observe import NOT_VALID, observe
from learnact.agents.parsing import first_line_reply, parse_action, parse_think
from learnact.agents.trajectory import EpisodeRecord, StepRecord, SubAction
from learnact.agents.turns import PromptStyle, example_turns, history_turns
from learnact.envs.base import Episode, EpisodeExecutor, TaskFamily
from learnact.library import ActionLibrary
from learnact.llm.types import Completion
from learnact.prompts import render

#: The call an agent writes to list the valid actions (the environment's
#: `learnact.envs.base.CHECK_VALID_COMMAND`, as Python).
CHECK_VALID_CALL = "check_valid_actions"
STOP = ["\nObservation"]


@dataclass
class AgentConfig:
    """Knobs of the acting loop; ``None`` means "the family's / model's default"."""

    max_steps: int | None = None
    history_window: int | None = None  # None: the family's (20 PDDL, 50 ALFWorld)
    history_tokens: int | None = 3000
    truncation: Truncation | None = None  # None: "halving" for local: models, else "sliding"
    max_basic_actions: int = 50
    max_tokens: int = 128
    temperature: float = 0.0
    seed: int | None = None
    timeout_s: float = 10.0
    allow_check: bool = True
    # Repeat guard: a greedy small model that just failed tends to write the same failing
    # line again for the rest of the episode (or alternate it with check_valid_actions(),
    # or list the valid actions 25 times in a row). When its answer is a call that already
    # failed, or was valid but changed nothing (`Episode.state_key`), or a second
    # check_valid_actions(), since the last action that changed the state, ask again at
    # ``repeat_temperature`` (distinct sample indices, so the response cache keeps the
    # answers apart), up to ``repeat_retries`` times. An
    # answer that is no call at all (it often copies the last observation) is asked again
    # the same way.
    repeat_retries: int = 2
    repeat_temperature: float = 0.8
    # Constrained acting (agents/grammar.py): every answer is decoded under a grammar that
    # allows only a call of a known action with names the episode has shown (or a ReAct
    # thought). Needs a model whose backend applies grammars (local:, or an OpenAI-
    # compatible server with a grammar field; docs/models.md).
    constrained: bool = False
    # How the prompt is laid out (agents/turns.py): "text", the paper's (the example in the
    # system message, the history in one user message), or "turns" (the example and the
    # history as alternating user/assistant messages, as chat models are tuned on).
    prompt_style: PromptStyle = "text"
    # Where learned actions stand in the system message: after the basic actions (the
    # paper's order) or, with ``learned_first``, before them.
    learned_first: bool = False


def _tokens(completion: Completion) -> tuple[int, int]:
    return completion.usage.prompt_tokens, completion.usage.completion_tokens


def default_truncation(model_spec: str) -> Truncation:
    """The history truncation for ``model_spec``: ``"halving"`` for ``local:`` models (llama.cpp's
    prefix cache then reuses the unchanged head of the prompt), else ``"sliding"`` (the paper's
    window)."""
    return "halving" if model_spec.startswith("local:") else "sliding"


def call_example(family: TaskFamily) -> str:
    """A real call for the instructions: the example's first action, else a placeholder one."""
    for line in family.example.splitlines():
        if line.startswith("Action:") and "(" in line:
            return line.split(":", 1)[1].strip()
    a = family.basic_actions[0]
    return f"{a.name}({', '.join(repr(p) for p in a.params)})"


class ActAgent:
    """Acts one line of Python per step. ``react=True`` gives the ReAct baseline."""

    method = "act"

    def __init__(
        self,
        family: TaskFamily,
        ctx: RunContext,
        *,
        library: ActionLibrary | None = None,
        plan: str | None = None,
        config: AgentConfig | None = None,
        react: bool = False,
        method: str | None = None,
        phase: str = "test",
        library_id: str | None = None,
    ) -> None:
        self.family = family
        self.ctx = ctx
        self.model = ctx.model
        self.sandbox = ctx.sandbox
        self.writer = ctx.writer
        self.library = library
        self.plan = plan
        self.config = config or AgentConfig()
        self.react = react
        self.phase = phase
        self.library_id = library_id
        self.method = method or ("react" if react else "act") + (
            "" if library is None else "+library"
        )
        self.basic_names = {a.name for a in family.basic_actions}
        self.learned_names = {a.name for a in library.actions} if library else set()
        # What a constrained answer may call (the names it may pass come from the episode).
        self.signatures: list[Signature] = basic_signatures(family.basic_actions)
        if library is not None:
            self.signatures += [
                s for s in learned_signatures(library.source) if s.name in self.learned_names
            ]
        if self.config.allow_check:
            self.signatures.append(Signature(CHECK_VALID_CALL, 0, 0))

    # --- prompt -------------------------------------------------------------------------
    def system_prompt(self) -> str:
        """The system message (template ``act_system``): the family's instruction, the basic and
        learned actions with their docs, the usage example, the plan (Reflexion lessons) and the
        family's worked example. The same for every step of an episode."""
        lib = self.library
        return render(
            "act_system",
            instruction=self.family.instruction,
            call_example=call_example(self.family),
            react=self.react,
            allow_check=self.config.allow_check,
            basic_actions=self.family.basic_actions,
            learned_actions=lib.actions if lib else [],
            plan=self.plan,
            usage_example=lib.usage_example if lib else "",
            example=self.family.example,
            example_in_turns=self.config.prompt_style == "turns",
            learned_first=self.config.learned_first,
        )

    def example_text(self) -> str:
        """The transcript the agent is shown to imitate: the library's usage example when it
        has one, else the family's worked example."""
        lib = self.library
        return lib.usage_example if lib and lib.usage_example else self.family.example

    def messages(self, system: str, goal: str, history: History) -> list[dict[str, str]]:
        """One step's request. ``prompt_style="text"``: ``[system, user]``, the user message
        (template ``act_user``) holding the goal and the history entries that fit
        ``history``'s window and token budget, and saying how many older ones were dropped.
        ``"turns"``: ``[system, *example turns, *history turns]`` (`learnact.agents.turns`),
        the history cut to the same budget."""
        if self.config.prompt_style == "turns":
            example, tail = example_turns(self.example_text())

            def as_text(entries: list[Entry]) -> str:
                turns = history_turns(goal, entries, 0, tail)
                return "\n".join(t["content"] for t in turns)

            shown = history.visible(as_text)
            turns = history_turns(goal, shown, history.dropped, tail)
            return [{"role": "system", "content": system}, *example, *turns]
        shown = history.visible(
            lambda entries: render("act_user", goal=goal, history=entries, dropped=0)
        )
        user = render("act_user", goal=goal, history=shown, dropped=history.dropped)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    # --- episode ------------------------------------------------------------------------
    def run(self, task: int, on_step: Callable[[StepRecord], None] | None = None) -> EpisodeRecord:
        """Play task ``task`` (0-based index into ``family.tasks``) until it is won or the step
        budget runs out (``config.max_steps``, else the family's ``step_budget``): each step is one
        model call (more when the repeat guard asks again) and one line run in the sandbox. The loop
        is the LearnAct paper's acting agent (Zhao et al., COLM 2024); ``react=True`` lets it think
        first, as in ReAct (Yao et al., ICLR 2023).

        Each `StepRecord` goes to ``on_step`` as it is made; the episode is written to
        ``ctx.writer`` (when there is one) and returned. The environment episode is closed either
        way. Errors of the model layer (e.g. `learnact.llm.errors.RetriesExhausted`) and of the
        sandbox (`learnact.sandbox.SandboxUnavailable`) propagate; a ``task`` out of range
        raises `BadInput`.
        """
        cfg = self.config
        self.family.check_task(task)  # BadInput (exit 2) for an index out of range
        spec = self.family.tasks[task]
        record = EpisodeRecord(
            family=self.family.name,
            task=task,
            task_name=spec.name,
            method=self.method,
            model=self.model.spec,
            data_source=self.family.source.to_dict(),
            phase=self.phase,
            library=self.library_id,
        )
        episode = self.family.make_episode(task)
        try:
            self._play(episode, record, cfg, on_step)
        finally:
            episode.close()
        if self.writer is not None:
            self.writer.add_episode(record)
        return record

    def _play(
        self,
        episode: Episode,
        record: EpisodeRecord,
        cfg: AgentConfig,
        on_step: Callable[[StepRecord], None] | None,
    ) -> None:
        first = episode.reset()
        record.goal, record.first_observation = first.goal, first.observation
        record.start_progress = episode.progress
        history = History(
            window=cfg.history_window or self.family.history_window,
            token_budget=cfg.history_tokens,
            truncation=cfg.truncation or default_truncation(self.model.spec),
        )
        history.add(None, first.observation)
        shown = [first.goal, first.observation]  # what constrained answers may name
        system = self.system_prompt()
        last_state = first.observation
        # Steps whose call was valid but left the state as it was (`Episode.state_key`): the
        # repeat guard treats them like failed ones.
        unchanged: set[int] = set()
        max_steps = cfg.max_steps or self.family.step_budget
        for index in range(max_steps):
            activity.report(
                "step",
                family=self.family.name,
                task=record.task,
                method=self.method,
                phase=self.phase,
                index=index,
                max_steps=max_steps,
            )
            messages = self.messages(system, first.goal, history)
            prompt_ref = self.writer.add_prompt(messages) if self.writer else None
            started = time.perf_counter()
            tokens = (0, 0)
            grammar = self.grammar(record.task, shown) if cfg.constrained else None
            # Sample 0 is the greedy answer; samples 1.. are the repeat guard's new tries.
            for k in range(cfg.repeat_retries + 1):
                completion = self.model.complete(
                    messages,
                    purpose="act",
                    family=self.family.name,
                    max_tokens=cfg.max_tokens,
                    temperature=cfg.temperature if k == 0 else cfg.repeat_temperature,
                    stop=STOP,
                    seed=cfg.seed,
                    stop_at="first_line",
                    sample_index=k,
                    **({"grammar": grammar} if grammar is not None else {}),
                )
                raw = completion.text or ""
                reply = first_line_reply(raw)
                used = _tokens(completion)
                tokens = (tokens[0] + used[0], tokens[1] + used[1])
                resampled = k
                if not self._ask_again(reply, record.steps, unchanged):
                    break
            latency = time.perf_counter() - started
            before = episode.state_key()
            step = self.play_line(episode, index, reply, last_state)
            valid_action = step.kind == "action" and step.valid
            if valid_action and before is not None and episode.state_key() == before:
                unchanged.add(step.index)
            step.prompt, step.completion = prompt_ref, raw
            step.reasoning = completion.reasoning or None
            step.latency_s = latency
            step.prompt_tokens, step.completion_tokens = tokens
            step.resampled = resampled
            record.steps.append(step)
            shown.append(step.observation)
            history.add(step.call or reply.strip() or "(empty answer)", step.observation)
            if step.valid and self.family.state_observations and step.sub_actions:
                last_state = next(
                    (s.observation for s in reversed(step.sub_actions) if s.valid), last_state
                )
            if step.progress is not None:
                record.progress = step.progress
            if on_step:
                on_step(step)
            if step.won:
                record.won = True
                break
        if record.progress is None:
            record.progress = episode.progress

    def grammar(self, task: int, shown: list[str]) -> str | None:
        """The GBNF grammar of a constrained answer in task ``task`` after the texts
        ``shown`` (goal and observations so far): a call of a known action with quoted
        names from them (`TaskFamily.names_in`; a learned action also the family's terms,
        `TaskFamily.terms_in`, and lists), or a ReAct thought; ``None`` when nothing
        could be called yet (`learnact.agents.grammar.action_grammar`)."""
        text = "\n".join(shown)
        names = self.family.names_in(text, task)
        terms = self.family.terms_in(text, task) if self.learned_names else []
        return action_grammar(self.signatures, names, think=self.react, terms=terms)

    def _ask_again(
        self,
        reply: str,
        steps: list[StepRecord],
        unchanged: set[int] | frozenset[int] = frozenset(),
    ) -> bool:
        """Whether the repeat guard asks again: ``reply`` is no call (nor a ReAct
        thought), or a call that already failed, or did nothing, since the last valid
        action that changed the state (thoughts, checks and unparsable answers change
        nothing in between), or ``check_valid_actions()`` when it was already called since
        then (its list would be the same). ``unchanged`` holds the indices of valid steps
        that left the state as it was (``move('rooma', 'rooma')``): they count as failed,
        not as valid."""
        if self.react and parse_think(reply) is not None:
            return False
        known = self.basic_names | self.learned_names | {CHECK_VALID_CALL}
        call = parse_action(reply, known) or parse_action(reply)
        if call is None:
            return True
        check = call.name == CHECK_VALID_CALL
        for step in reversed(steps):
            if check and step.kind == "check":
                return True
            if step.kind != "action":
                continue
            if step.valid and step.index not in unchanged:
                return False
            if step.call == call.code:
                return True
        return False

    def play_line(self, episode: Episode, index: int, reply: str, last_state: str) -> StepRecord:
        """Play one answer line in a running ``episode`` as step ``index``: a ReAct thought,
        ``check_valid_actions()``, or a call run in the sandbox. ``last_state`` is the
        latest state observation (shown again after an invalid action in state families).
        The step's prompt, completion and timing fields are left for the caller."""
        if self.react:
            thought = parse_think(reply)
            if thought is not None:
                return StepRecord(index, "think", None, "", f"Think: {thought}", "OK.", True)
        known = self.basic_names | self.learned_names | {CHECK_VALID_CALL}
        call = parse_action(reply, known) or parse_action(reply)
        if call is None:
            text = f"{NOT_VALID} Answer with one line of Python that calls one action, e.g. {call_example(self.family)}."
            return StepRecord(index, "unparsable", None, "", None, text, False, error="unparsable")
        if call.name == CHECK_VALID_CALL and self.config.allow_check:
            valid = episode.valid_actions()
            text = (
                # As calls: the model copies what it reads, and it must write calls.
                "Valid actions: " + ", ".join(self.family.as_call(c) for c in valid)
                if valid
                else "This environment cannot list valid actions."
            )
            return StepRecord(index, "check", None, "", call.code, text, valid is not None)
        return self._execute(episode, index, call.code, call.name, last_state)

    def _execute(
        self, episode: Episode, index: int, code: str, name: str, last_state: str
    ) -> StepRecord:
        execute = EpisodeExecutor(episode)
        res = self.sandbox.run(
            code,
            library=self.library.source if self.library else "",
            actions=self.family.basic_actions,
            execute=execute,
            max_basic_actions=self.config.max_basic_actions,
            timeout_s=self.config.timeout_s,
        )
        subs = [SubAction(s.command, s.observation, s.valid) for s in res.sub_trajectory]
        learned = name in self.learned_names
        seen = observe(
            sub_observations=[(s.observation, s.valid) for s in subs],
            error=res.error,
            failed_action=res.failed_action,
            timed_out=res.timed_out,
            timeout_s=self.config.timeout_s,
            learned=learned,
            state_observations=self.family.state_observations,
            last_state=last_state,
            value=res.value,
            stdout=res.stdout,
        )
        return StepRecord(
            index=index,
            kind="action",
            prompt=None,
            completion="",
            call=code,
            observation=seen.text,
            valid=seen.valid,
            sub_actions=subs,
            learned_call=name if learned else None,
            error=seen.error,
            won=execute.won,
            progress=execute.progress,
        )
