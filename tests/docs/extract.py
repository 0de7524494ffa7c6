"""Read the examples out of README.md and docs/*.md: fenced code blocks, the shell
commands inside them, and inline `learnact ...` code spans.

A shell command is one logical line of a ```bash/```sh/```shell/```console block, or of an
untagged block that names `learnact` (the docs write usage synopses and short command
lists that way). A line ending in ``\\`` or followed by indented lines goes on; a here-doc
(``<<'END'`` ... ``END``) belongs to its command; a trailing ``# comment`` is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHELL_LANGS = {"bash", "sh", "shell", "console"}
_FENCE = re.compile(r"^```(\S*)\s*$")
_HEREDOC = re.compile(r"<<-?\s*'?\"?(\w+)'?\"?")
_COMMENT = re.compile(r"\s+#(?![^'\"]*['\"]\s*$).*$")
_INLINE = re.compile(r"(?<!`)`(learnact [^`]+)`(?!`)")


@dataclass(frozen=True)
class Block:
    doc: str  # path relative to the repository, e.g. "docs/models.md"
    line: int  # 1-based line of the opening fence
    lang: str
    text: str


@dataclass(frozen=True)
class Command:
    doc: str
    line: int
    text: str  # one logical line: continuations joined, comments dropped

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"


def doc_files() -> list[str]:
    return ["README.md", *sorted(f"docs/{p.name}" for p in (REPO / "docs").glob("*.md"))]


def blocks(doc: str) -> list[Block]:
    lines = (REPO / doc).read_text(encoding="utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m:
            start, body = i, []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            out.append(Block(doc, start + 1, m.group(1), "\n".join(body)))
        i += 1
    return out


def is_shell(block: Block) -> bool:
    if block.lang in SHELL_LANGS:
        return True
    return block.lang == "" and any(ln.startswith("learnact ") for ln in block.text.splitlines())


def commands(block: Block) -> list[Command]:
    """The logical command lines of a shell block."""
    out: list[Command] = []
    lines = block.text.splitlines()
    i = 0
    while i < len(lines):
        raw = lines[i]
        if not raw.strip() or raw.lstrip().startswith("#"):
            i += 1
            continue
        start, parts = i, [_strip(raw)]
        heredoc = _HEREDOC.search(raw)
        i += 1
        while i < len(lines):
            nxt = lines[i]
            if heredoc:
                parts.append(nxt)
                i += 1
                if nxt.strip() == heredoc.group(1):
                    break
                continue
            if parts[-1].endswith("\\"):
                parts[-1] = parts[-1][:-1].rstrip()
            elif not (nxt.startswith((" ", "\t")) and nxt.strip()):
                break
            parts.append(_strip(nxt).strip())
            i += 1
        text = "\n".join(parts) if heredoc else " ".join(p for p in parts if p)
        out.append(Command(block.doc, block.line + 1 + start, text.removeprefix("$ ")))
    return out


def inline_commands(doc: str) -> list[Command]:
    """`learnact ...` code spans in prose (outside fenced blocks)."""
    out, fenced = [], False
    for n, line in enumerate((REPO / doc).read_text(encoding="utf-8").splitlines(), 1):
        if _FENCE.match(line) or line.strip() == "```":
            fenced = not fenced
            continue
        if not fenced:
            out += [Command(doc, n, m.group(1).replace("\\|", "|")) for m in _INLINE.finditer(line)]
    return out


def _strip(line: str) -> str:
    return _COMMENT.sub("", line.rstrip())
