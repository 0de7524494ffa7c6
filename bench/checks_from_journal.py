"""What each static check of learned code finds in recorded learner answers.

Reads the creation, fix and revision answers of learner journals (``learning.jsonl``),
each distinct answer once, parses them as creation does and runs today's checks on them
(`learnact.learning.checks`, every check in `CHECKS`): how many answers each check would
refuse and how many functions it names. Journals recorded before a check existed show what
it would have changed; nothing runs, nothing is written.

    python bench/checks_from_journal.py --family "pddl-gen/gripper[size=2,tasks=13]" \\
        runs/ladder-gripper/learn/pddl-gen_gripper_size_2_tasks_13/s0
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

_ANSWERS = ("create_actions", "fix_actions", "revise")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("journals", nargs="+", type=Path, help="learner journal folders")
    ap.add_argument("--family", required=True, help="the family spec the journals learned on")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    args = ap.parse_args()

    from learnact.envs.registry import make_family
    from learnact.learning.checks import CHECKS, Checker
    from learnact.learning.code import CodeProblem, parse_proposal

    family = make_family(args.family, args.data_dir)
    basic = {a.name for a in family.basic_actions}
    seen: set[str] = set()
    answers = functions = refused = 0
    by_check: Counter[str] = Counter()
    named: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for journal in args.journals:
        events = [json.loads(line) for line in (journal / "learning.jsonl").open()]
        train = next(e["train_tasks"] for e in events if e["event"] == "start")
        checker = Checker(family, train, CHECKS)
        for e in events:
            text = e.get("response") or ""
            if e["event"] != "llm" or e.get("purpose") not in _ANSWERS or text in seen:
                continue
            seen.add(text)
            try:
                proposal = parse_proposal(text, basic, require_functions=False)
            except CodeProblem:
                continue  # refused before any check: not the checks' doing
            if not proposal.functions:
                continue  # a Plan answer (a usage note), no code
            answers += 1
            functions += len(proposal.functions)
            found = checker.findings(proposal.code, proposal.functions, proposal.example_call)
            refused += bool(found)
            for check in {f.check for f in found}:
                by_check[check] += 1
            for f in found:
                named[f.check] += 1
                examples.setdefault(f.check, f.message)
    out = {
        "answers": answers,
        "functions": functions,
        "answers refused": refused,
        "answers refused by check": {c: by_check[c] for c in CHECKS},
        "functions named by check": {c: named[c] for c in CHECKS},
        "first finding by check": examples,
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"{answers} distinct answers with code, {functions} functions; {refused} refused")
    print("| check | answers refused | functions named | first finding |")
    print("|---|---:|---:|---|")
    for c in CHECKS:
        print(f"| {c} | {by_check[c]} | {named[c]} | {examples.get(c, '-')} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
