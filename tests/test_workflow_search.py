"""The search stage through Snakemake: rounds planned as checkpoints, trials as jobs, round
analyses and best.yaml; a rerun plans and trains nothing, a lost trial reruns alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import run_snakemake

pytestmark = pytest.mark.workflow

CONFIG = {
    "datasets": {"syn": {"synthetic": {"n_sequences": 300, "seed": 5}, "task": "multilabel",
                         "length": 200}},
    "training": {"epochs": 1, "threads": 1},
    "gpus": {"cpu_only": True},
    "search": {"tiny": {
        "datasets": ["syn"], "rounds": 2, "trials_per_round": 2, "seed": 1,
        "space": {"filters": [4, 8], "kernel1": [9, 19], "pool1": [1, 4, 25],
                  "activation": ["relu", "exp"], "convs_before": [1], "residual_before": [0],
                  "global_reduction": ["max", "mean"], "fc_layers": [0]},
    }},
}


def jobs(output: str) -> dict[str, int]:
    """Rule -> job count of a dry run's job table."""
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", output, re.MULTILINE)
            if rule != "total"}


def test_a_search_runs_round_by_round_and_reruns_nothing(tmp_path: Path):
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(CONFIG))
    target = "results/search/tiny/best.yaml"
    run_snakemake(tmp_path, target, "--configfile", str(config))
    root = tmp_path / "results/search/tiny"
    trials = pd.read_csv(root / "trials.tsv", sep="\t")
    assert list(trials["number"]) == [0, 1, 2, 3] and list(trials["round"]) == [1, 1, 2, 2]
    for r in (1, 2):
        for name in ("trials.tsv", "importances.tsv", "importances.png", "tree.png",
                     "interaction.png", "front.png", "space.yaml", "plan.json"):
            assert (root / f"round{r}" / name).stat().st_size > 0, (r, name)
    plan2 = json.loads((root / "round2/plan.json").read_text())
    assert plan2["space"] == yaml.safe_load((root / "round1/space.yaml").read_text())["space"]
    best = yaml.safe_load((root / "best.yaml").read_text())["architectures"]
    assert best["tiny-auroc"]["model"] == "architect"
    assert (root / "round1/trial0/syn/train/model.pt").exists()

    dry = run_snakemake(tmp_path, target, "-n", "--configfile", str(config))
    assert "Nothing to be done" in dry.stdout + dry.stderr
    # the next run trains the best architecture like any other, into the summary
    dry = run_snakemake(tmp_path, "-n", "--configfile", str(config))
    assert "results/syn/tiny-auroc/model.pt" in dry.stdout and "summarize" in dry.stdout

    # a run killed during a trial of the last round: that trial reruns alone (its plan and the
    # other trials stay), then what reads it
    for path in [root / "round2/trial3/syn/result.json", root / "best.yaml",
                 *(root / "round2").glob("*.*")]:
        if path.name != "plan.json":
            path.unlink()
    dry = run_snakemake(tmp_path, target, "-n", "--configfile", str(config))
    output = dry.stdout + dry.stderr
    assert jobs(output) == {"search_trial": 1, "search_round": 1, "search_best": 1}, output

    # a fork of round 1 with exp activation fixed: it starts from round 1's space.yaml, its
    # study holds the parent's trials in that space, and only its own trials train
    run_snakemake(tmp_path, target, "--configfile", str(config))
    forked = {**CONFIG, "search": {**CONFIG["search"], "tiny_exp": {
        "datasets": ["syn"], "rounds": 1, "trials_per_round": 2, "seed": 1,
        "fork": {"search": "tiny", "round": 1}, "space": {"activation": ["exp"]}}}}
    config.write_text(yaml.safe_dump(forked))
    fork_target = "results/search/tiny_exp/best.yaml"
    dry = run_snakemake(tmp_path, fork_target, "-n", "--configfile", str(config))
    output = dry.stdout + dry.stderr
    # nothing of the parent reruns (the fork's trials are known once it is planned)
    assert jobs(output) == {"search_plan": 1, "search_round": 1, "search_best": 1}, output
    run_snakemake(tmp_path, fork_target, "--configfile", str(config))
    plan = json.loads((tmp_path / "results/search/tiny_exp/round1/plan.json").read_text())
    parent_space = yaml.safe_load((root / "round1/space.yaml").read_text())["space"]
    assert plan["space"] == {**parent_space, "activation": ["exp"]}
    parent_points = [t["params"] for t in json.loads(
        (root / "round1/plan.json").read_text())["trials"]]
    in_space = [p for p in parent_points if all(
        p[k] in v for k, v in plan["space"].items() if isinstance(v, list))]
    assert plan["forked_from"] == {"search": "tiny", "round": 1, "trials": len(in_space)}
    assert all(t["params"]["activation"] == "exp" and t["params"] not in parent_points
               for t in plan["trials"])
