"""How many learned functions in recorded creation answers could never act.

Reads the learner's creation and fix answers from learner journals (``learning.jsonl``),
each distinct answer once, and parses them as creation does today: a function that never
reaches a basic action and that no kept function uses is left out, and an answer of
nothing else is refused. Journals recorded before that rule show what it would have
changed; journals recorded after it show what it did.

    python bench/inert_from_journal.py RUN_DIR/learn/*/s0 --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import ast
import json
from collections import defaultdict
from pathlib import Path

_ANSWERS = ("create_actions", "fix_actions")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("journals", nargs="+", type=Path, help="learner journal folders")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    args = ap.parse_args()

    from learnact.envs.registry import make_family
    from learnact.learning.code import CodeProblem, NothingActs, extract_code, parse_proposal

    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seen: set[str] = set()
    basic_of: dict[str, set[str]] = {}
    for journal in args.journals:
        events = [json.loads(line) for line in (journal / "learning.jsonl").open()]
        name = next(e["family"] for e in events if e["event"] == "start")
        if name not in basic_of:
            basic_of[name] = {a.name for a in make_family(name, args.data_dir).basic_actions}
        basic, row = basic_of[name], rows[name]
        for e in events:
            text = e.get("response") or ""
            if e["event"] != "llm" or e.get("purpose") not in _ANSWERS or text in seen:
                continue
            seen.add(text)
            try:
                proposal = parse_proposal(text, basic)
            except NothingActs:
                tree = ast.parse(extract_code(text))
                new = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
                new = [n for n in new if n not in basic]
                row["answers"] += 1
                row["refused: nothing acts"] += 1
                row["functions"] += len(new)
                row["left out"] += len(new)
                continue
            except CodeProblem:
                continue  # refused for another reason: not this rule's doing
            row["answers"] += 1
            row["functions"] += len(proposal.functions) + len(proposal.inert)
            row["left out"] += len(proposal.inert)
            row["answers with some left out"] += bool(proposal.inert)
    table = {family: dict(row) for family, row in sorted(rows.items())}
    if args.json:
        print(json.dumps(table, indent=2))
        return 0
    keys = [
        "answers",
        "refused: nothing acts",
        "answers with some left out",
        "functions",
        "left out",
    ]
    print("| family | " + " | ".join(keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for family, row in table.items():
        print(f"| {family} | " + " | ".join(str(row.get(k, 0)) for k in keys) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
