"""The action library on disk: a directory with ``actions.py`` and ``library.json``.

``actions.py`` holds the learned actions as plain Python functions with docstrings. The
environment's basic actions are *not* imported: when the library runs (always inside the
sandbox) each basic action is bound as a global function of the same name and
parameters, which returns the observation text and raises ``ActionFailed`` when the
environment says the action was not valid. Top-level functions listed in
``library.json`` are the actions the agent sees; other top-level functions are helpers.

``library.json`` (``format_version`` 1)::

    {
      "format_version": 1,
      "family": "pddl/gripper",
      "actions": {
        "carry_to": {"description": "...", "notes": ["..."]}
      },
      "usage_example": "Goal: ...\\nObservation: ...\\nAction: carry_to(...)\\n..."
    }

Unknown keys are kept as they are, so later versions can add fields.

Saving writes the pair as one unit (see ``_write_pair``): a crash at any point leaves a
directory that loads as the old pair or as the new one, never as a mix (which would look
like a hand edit). While a save runs, the directory also holds ``.library-save.json``, the
save's journal; it is gone once the save completes.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import json
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnact.errors import BadInput

FORMAT_VERSION = 1
ACTIONS_FILE = "actions.py"
META_FILE = "library.json"
#: the journal of a save in progress (the new text of both files); its appearance under
#: this name is the commit point of a save, and it is removed once both files are written
JOURNAL_FILE = ".library-save.json"
JOURNAL_VERSION = 1
_LIBRARY_FILES = (ACTIONS_FILE, META_FILE)

_BUILTIN_NAMES = set(dir(builtins))


@dataclass
class LearnedAction:
    """One learned action and its provenance.

    ``version`` grows with every change (a learner Update or Plan, or a hand edit);
    ``origin`` says which (``create``, ``update``, ``plan``, ``edit``, ``hand``),
    ``author`` who (``learner`` or ``human``), ``failure`` which failed call produced the
    change, ``stats`` how it did in training.
    """

    name: str
    params: tuple[str, ...]
    description: str
    notes: list[str] = field(default_factory=list)
    version: int = 1
    parent_version: int | None = None
    origin: str = "hand"
    author: str = "human"
    failure: dict[str, Any] | None = None
    stats: dict[str, Any] | None = None
    code_sha256: str | None = None

    def entry(self) -> dict[str, Any]:
        """The action's entry under ``actions`` in ``library.json`` (JSON-ready dict)."""
        return {
            "description": self.description,
            "notes": list(self.notes),
            "version": self.version,
            "parent_version": self.parent_version,
            "origin": self.origin,
            "author": self.author,
            "failure": self.failure,
            "stats": self.stats,
            "code_sha256": self.code_sha256,
        }

    @property
    def signature(self) -> str:
        """``name(param, ...)``, as the agent sees it."""
        return f"{self.name}({', '.join(self.params)})"


@dataclass
class ActionLibrary:
    """A library in memory: ``actions.py`` text, its actions, and ``library.json`` data."""

    source: str
    actions: list[LearnedAction]
    usage_example: str = ""
    family: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: per action, every version: code, description, notes and provenance (oldest first)
    lineage: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: warnings raised while loading (e.g. hand edits detected)
    load_warnings: list[str] = field(default_factory=list)

    # --- construction -------------------------------------------------------------------
    @classmethod
    def from_source(
        cls,
        source: str,
        meta: dict[str, Any] | None = None,
        *,
        origin: str = ACTIONS_FILE,
        detect_edits: bool = True,
    ) -> ActionLibrary:
        """Build a library from ``actions.py`` text and ``library.json`` data.

        With ``detect_edits``, an action whose code or text differs from its last recorded
        version is taken as a hand edit and recorded as a new version (with a warning).
        ``origin`` names the code in messages. Raises ``BadInput`` on an unsupported
        ``format_version``, code that does not parse, actions listed in ``meta`` that the
        code lacks, or notes that are not a list of strings.
        """
        meta = dict(meta or {})
        version = meta.pop("format_version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise BadInput(
                f"unsupported action-library format_version {version!r} (supported: {FORMAT_VERSION})"
            )
        functions = _top_level_functions(source, origin)
        listed: dict[str, Any] = meta.pop("actions", None) or {}
        unknown = [name for name in listed if name not in functions]
        if unknown:
            raise BadInput(
                f"{META_FILE} lists actions not defined in {origin}: {', '.join(unknown)}"
            )
        names = list(listed) if listed else [n for n in functions if not n.startswith("_")]
        actions = []
        for name in names:
            fn = functions[name]
            entry = listed.get(name, {})
            description = entry.get("description") or ast.get_docstring(fn) or ""
            notes = entry.get("notes") or []
            if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
                raise BadInput(f"notes of action {name!r} must be a list of strings")
            params = tuple(a.arg for a in fn.args.args)
            actions.append(
                LearnedAction(
                    name,
                    params,
                    description.strip(),
                    list(notes),
                    version=int(entry.get("version", 1)),
                    parent_version=entry.get("parent_version"),
                    origin=entry.get("origin", "hand"),
                    author=entry.get("author", "human"),
                    failure=entry.get("failure"),
                    stats=entry.get("stats"),
                    code_sha256=entry.get("code_sha256"),
                )
            )
        lineage = meta.pop("lineage", None) or {}
        lib = cls(
            source=source,
            actions=actions,
            usage_example=meta.pop("usage_example", "") or "",
            family=meta.pop("family", None),
            extra=meta,
            lineage={k: list(v) for k, v in lineage.items()},
        )
        if detect_edits:
            lib._detect_hand_edits(functions)
        return lib

    def _detect_hand_edits(self, functions: dict[str, ast.FunctionDef]) -> None:
        """An action whose code or notes differ from what was saved was edited by hand."""
        for a in self.actions:
            code_hash = _sha(ast.unparse(functions[a.name]))
            history = self.lineage.get(a.name) or []
            last = history[-1] if history else None
            code_changed = a.code_sha256 is not None and a.code_sha256 != code_hash
            text_changed = last is not None and (
                last.get("description") != a.description or last.get("notes") != a.notes
            )
            if code_changed or text_changed:
                what = "code" if code_changed else "description or notes"
                self.load_warnings.append(
                    f"action {a.name!r} was edited by hand ({what}); recorded as version {a.version + 1}"
                )
                warnings.warn(self.load_warnings[-1], stacklevel=4)
                self.new_version(a.name, origin="edit", author="human")
            elif a.code_sha256 is None:
                a.code_sha256 = code_hash

    def new_version(
        self,
        name: str,
        *,
        origin: str,
        author: str = "learner",
        failure: dict[str, Any] | None = None,
        first: bool = False,
        source: str | None = None,
    ) -> LearnedAction:
        """Record the action's current code and text as a new version in its lineage.

        ``first`` records the first version (1) of an action with no lineage yet.
        ``source`` says where this version's code came from when it is not the default
        (`version_source`), e.g. ``"induced: won episodes"`` (`learnact.learning.induce`).
        Returns the action; raises ``KeyError`` when the library has no action ``name``.
        """
        a = self.action(name)
        if a is None:
            raise KeyError(name)
        history = self.lineage.setdefault(name, [])
        if history or not first:  # a change on top of the current version
            a.parent_version, a.version = a.version, a.version + 1
        a.origin, a.author, a.failure = origin, author, failure
        code = _function_text(self.source, name)
        a.code_sha256 = _sha(code)
        history.append(
            {
                "version": a.version,
                "parent_version": a.parent_version,
                "origin": origin,
                "author": author,
                "failure": failure,
                "code": code,
                "description": a.description,
                "notes": list(a.notes),
                **({"source": source} if source is not None else {}),
            }
        )
        return a

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> ActionLibrary:
        """Read the library in ``directory`` (``actions.py``, optional ``library.json``).

        A save that a crash interrupted after its commit point is finished first (both
        files then hold the version it was writing; if the directory cannot be written,
        that version is loaded from the journal all the same); ``load_warnings`` says so.
        Hand edits are detected and recorded as new versions (``from_source``).

        Raises ``BadInput`` when ``directory`` does not exist, ``actions.py`` is missing or
        does not parse, when ``library.json`` is not a JSON object, or on any error
        ``from_source`` raises.
        """
        d = Path(directory)
        if not d.exists():
            raise BadInput(
                f"no such library: {d} does not exist (learn one first: "
                "`learnact learn FAMILY --out DIR` writes DIR/library)"
            )
        pending, notes = _finish_interrupted_save(d)
        code_path, meta_path = d / ACTIONS_FILE, d / META_FILE
        code = pending.get(ACTIONS_FILE)
        if code is None:
            if not code_path.is_file():
                raise BadInput(f"not an action library: {code_path} is missing")
            code = code_path.read_text(encoding="utf-8")
        meta_text = pending.get(META_FILE)
        if meta_text is None and meta_path.is_file():
            meta_text = meta_path.read_text(encoding="utf-8")
        meta: dict[str, Any] = {}
        if meta_text is not None:
            try:
                meta = json.loads(meta_text)
            except json.JSONDecodeError as e:
                raise BadInput(f"{meta_path} is not valid JSON: {e}") from e
            if not isinstance(meta, dict):
                raise BadInput(f"{meta_path} must hold a JSON object")
        lib = cls.from_source(code, meta, origin=str(code_path))
        for note in notes:
            warnings.warn(note, stacklevel=2)
        lib.load_warnings[:0] = notes
        return lib

    # --- persistence --------------------------------------------------------------------
    def to_meta(self) -> dict[str, Any]:
        """The ``library.json`` data (JSON-ready dict, ``format_version`` first)."""
        return {
            "format_version": FORMAT_VERSION,
            "family": self.family,
            "actions": {a.name: a.entry() for a in self.actions},
            "usage_example": self.usage_example,
            **self.extra,
            "lineage": self.lineage,
        }

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``actions.py`` and ``library.json`` into ``directory`` as one unit.

        The directory is created if needed. A crash at any point leaves a directory that
        ``load`` reads as the old pair or as the new pair, never as a mix of the two.
        Returns the directory. Raises ``OSError`` when the directory cannot be written
        (the files on disk then still load as the old or the new pair).
        """
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        _write_pair(
            d,
            {ACTIONS_FILE: self.source, META_FILE: json.dumps(self.to_meta(), indent=2) + "\n"},
        )
        return d

    # --- checks and views ---------------------------------------------------------------
    def action(self, name: str) -> LearnedAction | None:
        """The action called ``name``, or None."""
        return next((a for a in self.actions if a.name == name), None)

    def check_calls(self, basic_actions: set[str]) -> None:
        """Refuse code that calls names that are neither basic actions nor defined here.

        ``basic_actions``: the family's basic action names. Raises ``BadInput`` naming them.
        """
        undefined = unknown_calls(self.source, basic_actions)
        if undefined:
            raise BadInput(
                "learned actions call unknown functions: "
                + ", ".join(sorted(undefined))
                + f" (basic actions: {', '.join(sorted(basic_actions))})"
            )


def version_source(entry: dict[str, Any]) -> str:
    """Where a lineage version's code came from: its recorded ``source`` (e.g.
    ``"induced: example, won episodes"``), else ``"llm"`` for the learner's versions (written
    by the learner model) and the ``author`` (``"human"``) for the others."""
    recorded = entry.get("source")
    if isinstance(recorded, str) and recorded:
        return recorded
    author = entry.get("author", "human")
    return "llm" if author == "learner" else str(author)


def _top_level_functions(source: str, origin: str) -> dict[str, ast.FunctionDef]:
    try:
        tree = ast.parse(source, filename=origin)
    except SyntaxError as e:
        raise BadInput(f"{origin} does not parse: line {e.lineno}: {e.msg}") from e
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def unknown_calls(source: str, basic_actions: set[str]) -> set[str]:
    """Names called in ``source`` that nothing defines (basic actions, builtins, or the code).

    Raises ``SyntaxError`` when ``source`` does not parse.
    """
    tree = ast.parse(source)
    bound: set[str] = set(basic_actions) | _BUILTIN_NAMES | {"ActionFailed"}
    called: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            called.add(node.func.id)
    return called - bound


def without_functions(source: str, names: set[str] | tuple[str, ...]) -> str:
    """``source`` without its top-level definitions of ``names`` (the rest unparsed as is).

    Raises ``SyntaxError`` when ``source`` does not parse.
    """
    tree = ast.parse(source)
    tree.body = [
        n
        for n in tree.body
        if not (isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name in names)
    ]
    return ast.unparse(tree)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _function_text(source: str, name: str) -> str:
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.unparse(node)
    raise KeyError(name)


# --- saving the pair as one unit -----------------------------------------------------------
#
# Why a journal (redo log) and not the alternatives:
# * A new sibling directory switched in by renaming: POSIX cannot rename a directory over a
#   non-empty one, so the switch takes two renames with a moment where the library is
#   missing; and a shell or process whose working directory is the library keeps the old one.
# * versions/ plus an atomically replaced pointer: the top-level actions.py and
#   library.json would become links or copies, which people cannot simply edit and commit.
# * A manifest of both hashes written last: it tells a crash from a hand edit, but a crash
#   between the two renames has already replaced one file, so neither complete pair is
#   left on disk to load.
# So the save first writes the *new text of both files* into one journal file, renamed into
# place (the commit point), then replaces the two files one by one, then removes the
# journal. Before the commit point the old pair is untouched; after it, ``load`` finishes
# the save from the journal (roll forward). The top-level files stay plain files, and a
# real hand edit (no journal) is detected by the hashes in library.json as before.


def _write_pair(d: Path, texts: dict[str, str]) -> None:
    """Replace the files ``texts`` names (file name -> new text) in ``d`` as one unit."""
    for stale in d.glob(".*.tmp"):  # left by a save killed before its cleanup could run
        if stale.name.startswith(tuple(f".{n}." for n in (*_LIBRARY_FILES, JOURNAL_FILE))):
            stale.unlink(missing_ok=True)
    journal = {
        "journal_version": JOURNAL_VERSION,
        "files": {
            name: {"old_sha256": _file_sha(d / name), "sha256": _sha(text), "text": text}
            for name, text in texts.items()
        },
    }
    _atomic_write(d / JOURNAL_FILE, json.dumps(journal) + "\n")
    _fsync_dir(d)  # the commit point is durable before any library file changes
    for name, text in texts.items():
        _atomic_write(d / name, text)
    _fsync_dir(d)
    os.unlink(d / JOURNAL_FILE)
    _fsync_dir(d)


def _finish_interrupted_save(d: Path) -> tuple[dict[str, str], list[str]]:
    """Roll forward a save whose journal ``d`` still holds; no journal: nothing to do.

    Each file still holding its text from before that save gets the journal's text; one
    that already holds it is left, and so is one changed since (by hand: it is not
    overwritten, and hand-edit detection then sees it). Returns the texts to read instead
    of the files when the directory could not be written (file name -> text), and notes
    for ``load_warnings``.
    """
    path = d / JOURNAL_FILE
    if not path.is_file():
        return {}, []
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        if journal.get("journal_version") != JOURNAL_VERSION:
            raise ValueError(f"journal_version {journal.get('journal_version')!r}")
        entries = journal["files"]
        for name, e in entries.items():
            if name not in _LIBRARY_FILES or _sha(e["text"]) != e["sha256"]:
                raise ValueError(f"bad entry {name!r}")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        return {}, [f"ignored {path}: not a save journal this learnact reads ({e})"]
    pending: dict[str, str] = {}
    notes: list[str] = []
    for name, entry in entries.items():
        now = _file_sha(d / name)
        if now == entry["sha256"]:
            continue
        if now != entry["old_sha256"]:
            notes.append(f"{d / name} changed after an interrupted save; kept as it is")
            continue
        pending[name] = entry["text"]
    try:
        for name, text in pending.items():
            _atomic_write(d / name, text)
        _fsync_dir(d)
        os.unlink(path)
        _fsync_dir(d)
    except OSError as e:
        return pending, [
            f"could not finish an interrupted save in {d} ({e}); loaded the version it was "
            "writing from its journal",
            *notes,
        ]
    return {}, [f"finished an interrupted save in {d}", *notes]


def _file_sha(path: Path) -> str | None:
    """SHA-256 of the file's bytes, or None when there is no such file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _fsync_dir(d: Path) -> None:
    """Make renames in ``d`` durable (POSIX; elsewhere a no-op)."""
    if os.name != "posix":
        return
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` (UTF-8, newlines as given): old or new, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
