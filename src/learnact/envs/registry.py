"""Task-family registry: built-in families, entry points and ``module:object`` class paths.

A family is made by a *factory*: any callable taking ``data_dir`` (``str | None``) and
returning a `TaskFamily`. Third-party packages plug in without editing learnact:

* at run time, ``register("myenv/task", factory)``;
* through an entry point in group ``learnact.envs`` whose name is the family name
  and whose value is the factory (or a `TaskFamily` subclass);
* or by naming a class path directly, e.g. ``learnact play mypkg.envs:MyFamily``.

A name may carry options in brackets, passed to the factory as string keyword
arguments: ``pddl-gen/gripper[size=24,tasks=50,seed=3]``.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from learnact.envs.base import TaskFamily
from learnact.errors import BadInput, UnknownFamily

Factory = Callable[..., TaskFamily]

ENTRY_POINT_GROUP = "learnact.envs"

# Modules whose import registers the built-in families (imported lazily: some are heavy).
_BUILTIN_MODULES = ("learnact.envs.pddl", "learnact.envs.alfworld")


@dataclass(frozen=True)
class Registration:
    name: str
    factory: Factory
    description: str = ""
    origin: str = "builtin"


_REGISTRY: dict[str, Registration] = {}
_loaded = False


def register(name: str, factory: Factory, *, description: str = "", origin: str = "user") -> None:
    """Register a task family under ``name`` (replacing an earlier registration)."""
    _REGISTRY[name] = Registration(name, factory, description, origin)


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in _BUILTIN_MODULES:
        try:
            importlib.import_module(mod)
        except ImportError:  # an optional extra is missing; its families are simply absent
            continue
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _REGISTRY:
            _REGISTRY[ep.name] = Registration(
                ep.name, _lazy_entry_point(ep), origin=f"entry point {ep.value}"
            )


def _lazy_entry_point(ep: EntryPoint) -> Factory:
    def factory(data_dir: str | None = None, **options: str) -> TaskFamily:
        return _call_factory(ep.load(), data_dir, options)

    return factory


def registrations() -> list[Registration]:
    """Every registered family (built-in, entry point or `register` call), sorted by name. The first
    call imports the built-in families and reads the entry points."""
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def names() -> list[str]:
    """The registered family names, sorted (`registrations`)."""
    return [r.name for r in registrations()]


def parse_name(name: str) -> tuple[str, dict[str, str]]:
    """Split ``"fam[k=v,k2=v2]"`` into ``("fam", {"k": "v", "k2": "v2"})``."""
    m = re.fullmatch(r"\s*([^\[\]]+?)\s*(?:\[(.*)\])?\s*", name)
    if not m:
        raise BadInput(f"malformed task family name {name!r}")
    options: dict[str, str] = {}
    for item in filter(None, (m.group(2) or "").split(",")):
        key, eq, value = item.partition("=")
        if not eq or not key.strip().isidentifier():
            raise BadInput(f"malformed option {item!r} in {name!r} (expected key=value)")
        options[key.strip()] = value.strip()
    return m.group(1), options


def make_family(name: str, data_dir: str | None = None) -> TaskFamily:
    """Build the family ``name`` (a registered name or a ``module:object`` class path)."""
    _load()
    base, options = parse_name(name)
    if base in _REGISTRY:
        return _call_factory(_REGISTRY[base].factory, data_dir, options)
    if ":" in base:
        return _call_factory(_import_object(base), data_dir, options)
    close = difflib.get_close_matches(base, list(_REGISTRY), n=1, cutoff=0.75)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise UnknownFamily(
        f"unknown task family {name!r}; {hint}known: {', '.join(sorted(_REGISTRY)) or 'none'} "
        "(or give a class path such as mypkg.envs:MyFamily)"
    )


def _import_object(path: str) -> object:
    module_name, _, attr = path.partition(":")
    try:
        obj: object = importlib.import_module(module_name)
    except ImportError as e:
        raise BadInput(f"cannot import {module_name!r} for task family {path!r}: {e}") from e
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as e:
            raise BadInput(f"{module_name!r} has no {attr!r} (task family {path!r})") from e
    return obj


def _call_factory(
    obj: object, data_dir: str | None, options: dict[str, str] | None = None
) -> TaskFamily:
    options = options or {}
    if isinstance(obj, TaskFamily):
        if options:
            raise BadInput(f"task family {obj.name!r} takes no options")
        return obj
    if not callable(obj):
        raise BadInput(f"{obj!r} is neither a TaskFamily nor a factory of one")
    params: Mapping[str, inspect.Parameter]
    try:
        params = inspect.signature(obj).parameters
    except (TypeError, ValueError):
        params = {}
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    unknown = [k for k in options if k not in params and not accepts_any]
    if unknown:
        raise BadInput(f"unknown option(s) {', '.join(unknown)} for task family {obj!r}")
    kwargs: dict[str, object] = dict(options)
    if "data_dir" in params or accepts_any:
        kwargs["data_dir"] = data_dir
    try:
        family = obj(**kwargs)
    except (TypeError, ValueError) as e:
        raise BadInput(f"bad options for task family: {e}") from e
    if not isinstance(family, TaskFamily):
        raise BadInput(f"{obj!r} returned {type(family).__name__}, not a TaskFamily")
    return family
