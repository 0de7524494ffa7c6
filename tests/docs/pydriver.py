"""Runs a doc's ```python blocks one after another in one namespace, as a reader pasting
them into one interpreter would. Reads one JSON request a line on stdin
({"doc", "line", "code"}), answers one JSON line on stdout ({"ok", "error"}). The
block's own output goes to stderr. Tracebacks name the doc and its line numbers."""

from __future__ import annotations

import json
import sys
import traceback


def main() -> None:
    answers = sys.stdout
    sys.stdout = sys.stderr
    namespace: dict[str, object] = {"__name__": "__main__"}
    for raw in sys.stdin:
        req = json.loads(raw)
        # Blank lines before the code keep the doc's line numbers in tracebacks.
        source = "\n" * req["line"] + req["code"]
        try:
            exec(compile(source, req["doc"], "exec"), namespace)
            answer = {"ok": True, "error": None}
        except BaseException:  # noqa: BLE001 - any failure of a doc block is reported
            answer = {"ok": False, "error": traceback.format_exc()}
        sys.stderr.flush()
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
