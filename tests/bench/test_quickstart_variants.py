"""bench/quickstart-variants.toml measures the quickstart's own experiment: with the flags
of the variant the quickstart uses (v1: ``--prompt-style turns --constrained``) it must
stay equal to `quickstart_experiment` (the "quick" profile) but for its test tasks (all of
them instead of the first few) and its name."""

from __future__ import annotations

from pathlib import Path

from learnact.runner.experiment import compose_experiment
from learnact.runner.quickstart import QUICK, quickstart_experiment

TOML = Path(__file__).resolve().parents[2] / "bench" / "quickstart-variants.toml"


def test_the_variant_study_runs_the_quickstart_experiment():
    v1 = {"prompt_style": "turns", "constrained": True}
    bench = compose_experiment(options=v1, file=TOML).model_dump()
    quick = quickstart_experiment(QUICK).model_dump()  # the default model, too
    assert bench["tasks"] == "test" and quick["tasks"] == f"first:{QUICK.test_tasks}"
    for d in (bench, quick):
        d.pop("tasks"), d.pop("name")
    assert bench == quick
    # The file alone is v0, the paper's variant the study compares against.
    v0 = compose_experiment(options={}, file=TOML)
    assert (v0.prompt_style, v0.constrained, v0.learn.induce) == ("text", False, [])
