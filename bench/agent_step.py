"""Latency of an Act-agent step late in a real episode, with the embedded model (run by hand).

    python bench/agent_step.py [--model local:qwen2.5-coder-1.5b] [--steps 25] [--data-dir ../shared/data]

Plays AgentBoard gripper prob20 (12 balls) with the Act agent for ``--steps`` steps and
reports each step's wall time (LLM call + sandbox + environment) and the prompt tokens
llama.cpp actually evaluated (the rest came from its KV cache, shared with the previous
step). The response cache is off so every step is real inference.
"""

from __future__ import annotations

import argparse
import statistics
import time

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.envs.registry import make_family
from learnact.llm import make_model
from learnact.sandbox import Sandbox


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="local:qwen2.5-coder-1.5b")
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--task", type=int, default=19, help="prob20 (12 balls) is task 19")
    args = ap.parse_args()
    family = make_family("pddl/gripper", data_dir=args.data_dir)
    model = make_model(args.model, cache=False)
    rows = []
    with Sandbox() as sandbox:
        agent = ActAgent(
            family, RunContext(model, sandbox), config=AgentConfig(max_steps=args.steps)
        )
        last = [time.perf_counter()]

        def on_step(step) -> None:  # noqa: ANN001
            now = time.perf_counter()
            perf = dict(getattr(model.backend, "last_perf", {}))
            rows.append(
                (
                    step.index + 1,
                    now - last[0],
                    step.latency_s,
                    step.prompt_tokens,
                    perf.get("prompt_evaluated"),
                )
            )
            last[0] = now

        started = time.perf_counter()
        rec = agent.run(args.task, on_step=on_step)
        total = time.perf_counter() - started
    print(
        f"# {family.tasks[args.task].name}, {args.model}, {rec.n_steps} steps, won={rec.won}, {total:.1f} s"
    )
    print("| step | wall s | LLM s | prompt tokens | prompt tokens evaluated |")
    print("|---:|---:|---:|---:|---:|")
    for n, wall, llm, pt, ev in rows:
        print(f"| {n} | {wall:.2f} | {llm:.2f} | {pt} | {ev} |")
    late = [wall for n, wall, *_ in rows if n >= max(1, args.steps - 5)]
    if late:
        print(
            f"\nmedian wall time of steps {max(1, args.steps - 5)}..{rows[-1][0]}: {statistics.median(late):.2f} s; "
            f"step {rows[-1][0]}: {rows[-1][1]:.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
