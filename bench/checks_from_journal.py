"""What each static check of learned code finds in recorded learner answers.

Reads the creation, fix and revision answers of learner journals (``learning.jsonl``),
each distinct answer once per journal, parses them as creation does (a revision's answer
with the functions the journal's earlier answers defined, merged as revision merges them -
an approximation: the library it really revised may be an older one) and runs today's
checks on them
(`learnact.learning.checks`, every check in `CHECKS`): how many answers each check would
refuse and how many functions it names. Journals recorded before a check existed show what
it would have changed; nothing runs, nothing is written.

    python bench/checks_from_journal.py --family "pddl-gen/gripper[size=2,tasks=13]" \\
        runs/ladder-gripper/learn/pddl-gen_gripper_size_2_tasks_13/s0
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections import Counter
from pathlib import Path

_ANSWERS = ("create_actions", "fix_actions", "revise")


def _functions(code: str) -> dict[str, str]:
    """Each top-level function of ``code`` by name, as source."""
    return {n.name: ast.unparse(n) for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "journals", nargs="+", type=Path, help="learner journal folders (or their learning.jsonl)"
    )
    ap.add_argument("--family", required=True, help="the family spec the journals learned on")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    args = ap.parse_args()

    from learnact.envs.registry import make_family
    from learnact.learning.checks import CHECKS, Checker
    from learnact.learning.code import CodeProblem, parse_proposal

    family = make_family(args.family, args.data_dir)
    basic = {a.name for a in family.basic_actions}
    answers = functions = refused = skipped = 0
    by_check: Counter[str] = Counter()
    named: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for journal in args.journals:
        path = journal if journal.name == "learning.jsonl" else journal / "learning.jsonl"
        if not path.is_file():
            sys.exit(f"error: {journal}: no learner journal (learning.jsonl) there")
        lines = path.read_text().splitlines()
        events = [json.loads(line) for line in lines if line.strip()]
        start = next((e for e in events if e.get("event") == "start"), None)
        if start is None:
            sys.exit(f"error: {journal}: the journal has no start event")
        if start.get("family") != family.name:
            print(
                f"warning: {journal} learned on {start.get('family')}, not {family.name}",
                file=sys.stderr,
            )
        checker = Checker(family, start["train_tasks"], CHECKS)
        seen: set[str] = set()  # per journal: a check reads that journal's training tasks
        library: dict[str, str] = {}  # the latest source of every function answered so far
        for e in events:
            text = e.get("response") or ""
            if e.get("event") != "llm" or e.get("purpose") not in _ANSWERS or text in seen:
                continue
            seen.add(text)
            try:
                # A revision's answer may call the library it revises: read it with what
                # the journal's earlier answers defined, and check the merged code.
                proposal = parse_proposal(
                    text, basic, require_functions=False, also_known=set(library)
                )
            except CodeProblem:
                skipped += 1  # refused before any check: not the checks' doing
                continue
            if not proposal.functions:
                continue  # a Plan answer (a usage note), no code
            new = _functions(proposal.code)
            merged = "\n\n".join(
                [src for name, src in library.items() if name not in new] + [proposal.code]
            )
            library.update(new)
            answers += 1
            functions += len(proposal.functions)
            found = checker.findings(merged, proposal.functions, proposal.example_call)
            refused += bool(found)
            for check in {f.check for f in found}:
                by_check[check] += 1
            for f in found:
                named[f.check] += 1
                examples.setdefault(f.check, f.message.replace("|", "\\|"))
    out = {
        "answers": answers,
        "functions": functions,
        "answers refused": refused,
        "answers refused before the checks": skipped,
        "answers refused by check": {c: by_check[c] for c in CHECKS},
        "functions named by check": {c: named[c] for c in CHECKS},
        "first finding by check": examples,
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"{answers} distinct answers with code, {functions} functions; {refused} refused "
        f"by the checks ({skipped} more refused before them: no code, a syntax error, ...)"
    )
    print("| check | answers refused | functions named | first finding |")
    print("|---|---:|---:|---|")
    for c in CHECKS:
        print(f"| {c} | {by_check[c]} | {named[c]} | {examples.get(c, '-')} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
