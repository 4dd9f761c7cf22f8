"""An architecture search on the one-node test SLURM cluster: each trial is submitted with
sbatch as a job of its own (a GPU asked for, like train), the planning and analysis jobs run
on the login node, and the next round is planned only after the round's trials ended.
The cluster is started by the shared fixture (tests/slurm/fixtures.py), or the module is
skipped with the reason (a failure with MOTIFNET_REQUIRE_SLURM=1).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from slurm.fixtures import (
    GPU_PARTITION,
    REPO,
    finish,
    jobs_in,
    slurm_env,  # noqa: F401 (the fixture)
    snakemake,
    tres,
)

pytestmark = pytest.mark.slurm

CONFIG = {
    "datasets": {"syn": {"synthetic": {"n_sequences": 300, "seed": 5},
                         "task": "multilabel", "length": 200}},
    "training": {"epochs": 1, "threads": 1, "mem_mb": 3000, "runtime": 30},
    "search": {"tiny": {
        "datasets": ["syn"], "rounds": 2, "trials_per_round": 2,
        "space": {"filters": [4, 8], "pool1": [1, 4, 25], "activation": ["relu", "exp"],
                  "convs_before": [1], "residual_before": [0], "global_reduction": ["max"],
                  "fc_layers": [0]},
    }},
}


def test_trials_are_separate_jobs_and_the_next_round_is_planned_after_them(
    slurm_env: dict[str, str], tmp_path: Path,  # noqa: F811 (the fixture)
) -> None:
    pytest.importorskip("snakemake_executor_plugin_slurm")
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(CONFIG))
    log = tmp_path / "search.log"
    process = snakemake(slurm_env, tmp_path, "results/search/tiny/best.yaml", "--snakefile",
                        str(REPO / "workflow/Snakefile"), "--configfile", "config.yaml", log=log)
    assert finish(process, timeout=900) == 0, log.read_text()[-4000:]

    jobs = jobs_in(slurm_env, tmp_path)
    trials = [j for j in jobs if j["Comment"].startswith("rule_search_trial_")]
    assert len(trials) == 4 and len({j["JobID"] for j in trials}) == 4
    assert all(j["State"] == "COMPLETED" for j in trials)
    for job in trials:
        assert job["Partition"] == GPU_PARTITION and tres(job)["gres/gpu"] == "1", job
    # planning, analysis and best run in Snakemake itself: never submitted
    assert not [j for j in jobs if j["Comment"].startswith(
        ("rule_search_plan", "rule_search_round", "rule_search_best"))]
    root = tmp_path / "results/search/tiny"

    def round_of(job: dict[str, str]) -> int:
        """The round in the comment: rule_search_trial_wildcards_<search>_<round>_<trial>_<dataset>."""
        return int(job["Comment"].split("_wildcards_")[1].split("_")[1])

    first = [j for j in trials if round_of(j) == 1]
    second = [j for j in trials if round_of(j) == 2]
    assert len(first) == len(second) == 2
    ended = max(datetime.fromisoformat(j["End"]) for j in first)
    planned = datetime.fromtimestamp((root / "round2/plan.json").stat().st_mtime)
    started = min(datetime.fromisoformat(j["Start"]) for j in second)
    assert ended <= planned.replace(microsecond=0) + timedelta(seconds=1) and ended <= started
    numbers = {r: [t["number"] for t in json.loads((root / f"round{r}/plan.json").read_text())[
        "trials"]] for r in (1, 2)}
    assert numbers == {1: [0, 1], 2: [2, 3]}
    assert yaml.safe_load((root / "best.yaml").read_text())["architectures"]

