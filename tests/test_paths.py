"""learnact.paths: every cache and data location, from the environment at call time."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_dir

from learnact import paths


def test_cache_locations_follow_learnact_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNACT_CACHE", str(tmp_path))
    assert paths.cache_dir() == tmp_path
    assert paths.models_dir() == tmp_path / "models"
    assert paths.response_cache_path() == tmp_path / "llm" / "responses.sqlite3"
    assert paths.default_data_root() == tmp_path / "data"
    assert paths.pddl_data_dir() == tmp_path / "data" / "pddl" / "agentboard"
    assert paths.alfworld_data_dir() == tmp_path / "data" / "alfworld"


def test_empty_learnact_cache_means_the_platform_cache(monkeypatch):
    monkeypatch.setenv("LEARNACT_CACHE", "")
    assert paths.cache_dir() == Path(user_cache_dir("learnact"))


def test_data_root_ladder(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNACT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("LEARNACT_DATA", raising=False)
    monkeypatch.setenv("ALFWORLD_DATA", str(tmp_path / "alf"))
    assert paths.data_root() == (tmp_path / "cache" / "data", "cache")
    assert paths.data_root(extra_env=("ALFWORLD_DATA",)) == (tmp_path / "alf", "$ALFWORLD_DATA")
    monkeypatch.setenv("LEARNACT_DATA", str(tmp_path / "data"))
    assert paths.data_root(extra_env=("ALFWORLD_DATA",)) == (tmp_path / "data", "$LEARNACT_DATA")
    assert paths.data_root("~/d") == (Path.home() / "d", "--data-dir")


def test_llm_and_envs_read_their_locations_here(monkeypatch, tmp_path):
    from learnact.llm.cache import ResponseCache
    from learnact.llm.models import MODELS, cached_path

    monkeypatch.setenv("LEARNACT_CACHE", str(tmp_path))
    model = next(iter(MODELS.values()))
    assert cached_path(model) == paths.models_dir() / model.filename
    cache = ResponseCache()
    try:
        assert cache.path == paths.response_cache_path()
    finally:
        cache.close()


def test_paths_and_download_sit_below_llm_and_envs():
    """Both may be imported by any layer: they import no learnact module but `errors`."""
    import ast

    import learnact

    root = Path(learnact.__file__).parent
    for name in ("paths.py", "download.py"):
        tree = ast.parse((root / name).read_text())
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        assert {m for m in imported if m.startswith("learnact")} <= {"learnact.errors"}, name
