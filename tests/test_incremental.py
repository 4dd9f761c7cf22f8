"""Incremental use: Snakemake reruns exactly the jobs a change concerns, and nothing else.

A tiny plan (datasets syn and syn2; architecture cnn on syn only, db on both) is built once
for the module, first by one target (`results/syn/cnn/tomtom.tsv`), then in full. Changes
are checked with dry runs against that state: the jobs Snakemake would run are read from
its job listing. The Snakemake report is built from the same state. A training job killed
with SIGKILL (with Snakemake itself) runs in a copy.
The last test times the up-to-date check of 4 datasets x 9 architectures (pytest -s).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SNAKEMAKE, run_snakemake
from test_envs import workflow_rules

pytestmark = pytest.mark.workflow

SYNTHETIC = {"task": "multilabel", "length": 200}
CONFIG = {
    "datasets": {
        "syn": {"synthetic": {"n_sequences": 400, "seed": 5}, **SYNTHETIC},
        "syn2": {"synthetic": {"n_sequences": 400, "seed": 6}, **SYNTHETIC},
    },
    "architectures": {
        "cnn": {"model": "koo_cnn", "params": {"variant": "cnn-25", "filters1": 4, "filters2": 8},
                "datasets": ["syn"]},
        "db": {"model": "deepbind", "params": {"filters": 4}},
    },
    "training": {"epochs": 2, "threads": 1},
    "motifs": {"max_sequences": 200},
    "attribution": {"max_sequences": 40, "references": 2},
    # CPU training jobs hold no GPU slot, so two of them may run at once
    "gpus": {"cpu_only": True},
}
_JOB = re.compile(r"(?:local)?rule (\w+):")
_WILDCARDS = re.compile(r"\s+wildcards: (.*)")


def jobs(output: str) -> set[str]:
    """The jobs Snakemake listed (run or, with -n, planned): 'rule' or 'rule:wildcard/values'."""
    found: set[str] = set()
    rule = None
    for line in output.splitlines():
        if match := _JOB.fullmatch(line):
            if rule:
                found.add(rule)
            rule = match.group(1)
        elif rule and (match := _WILDCARDS.fullmatch(line)):
            values = [item.split("=", 1)[1] for item in match.group(1).split(", ")]
            found.add(f"{rule}:{'/'.join(values)}")
            rule = None
    if rule:
        found.add(rule)
    return found


def data_jobs(name: str) -> set[str]:
    return {f"{rule}:{name}" for rule in ("generate_synthetic", "extract_sequences", "encode")}


FILTER_RULES = ("train", "extract_pfms", "tomtom", "motif_logos")
ATTRIBUTION_RULES = ("attribute", "modisco", "tomtom_patterns", "pattern_logos", "learned")


def model_jobs(name: str, arch: str) -> set[str]:
    return {f"{rule}:{name}/{arch}" for rule in FILTER_RULES + ATTRIBUTION_RULES}


def write_config(path: Path, config: dict) -> Path:
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def snakemake(workdir: Path, config: dict, *args: str, check: bool = True) -> str:
    """Snakemake's output for ``config`` (targets and flags before --configfile)."""
    configfile = write_config(workdir / f"config.{time.monotonic_ns()}.yaml", config)
    done = run_snakemake(workdir, *args, "--configfile", str(configfile), check=check)
    return done.stdout + done.stderr


@dataclass
class Built:
    workdir: Path
    first: set[str]   # jobs of `snakemake results/syn/cnn/tomtom.tsv`
    second: set[str]  # jobs of the full run after it


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    workdir = tmp_path_factory.mktemp("incremental")
    first = snakemake(workdir, CONFIG, "results/syn/cnn/tomtom.tsv")
    second = snakemake(workdir, CONFIG)
    return Built(workdir, jobs(first), jobs(second))


def planned(built: Built, config: dict, *args: str) -> set[str]:
    return jobs(snakemake(built.workdir, config, "-n", *args))


def test_one_target_builds_only_its_chain(built: Built) -> None:
    assert built.first == data_jobs("syn") | {
        "export_motif_db", "warm_tomtom", "train:syn/cnn", "extract_pfms:syn/cnn",
        "tomtom:syn/cnn"}
    # the full run then did the rest, nothing twice
    assert built.second == (
        data_jobs("syn2") | model_jobs("syn", "db") | model_jobs("syn2", "db")
        | model_jobs("syn", "cnn") - {"train:syn/cnn", "extract_pfms:syn/cnn", "tomtom:syn/cnn"}
        | {"warm_modisco", "summarize", "all"})


def test_touching_nothing_runs_nothing(built: Built) -> None:
    start = time.perf_counter()
    output = snakemake(built.workdir, CONFIG, "-n")
    seconds = time.perf_counter() - start
    assert jobs(output) == set() and "Nothing to be done" in output, output[-3000:]
    output = snakemake(built.workdir, CONFIG)
    assert jobs(output) == set() and "Nothing to be done" in output, output[-3000:]
    print(f"\nno-op dry run, 2 datasets x 2 architectures (3 models): {seconds:.1f} s")


def test_report_shows_every_models_plots_and_the_summary(built: Built) -> None:
    report = built.workdir / "report.html"
    snakemake(built.workdir, CONFIG, "--report", str(report))
    html = report.read_text()
    assert re.search(r"motifnet trained 2 architecture\(s\) on(\s|\\n)2 dataset\(s\)", html)
    shown = [f"results/{name}/{figure}" for name in ("syn/cnn", "syn/db", "syn2/db")
             for figure in ("plots/curves.png", "plots/roc.png", "plots/confusion.png",
                            "logos.png", "patterns.png")]
    shown += ["results/summary.tsv", "results/trials.tsv", "results/trials.png"]
    assert [path for path in shown if path not in html] == []


def test_changed_hyperparameters_rerun_only_that_architecture(built: Built) -> None:
    config = copy.deepcopy(CONFIG)
    config["architectures"]["db"]["params"]["filters"] = 5
    assert planned(built, config) == (
        model_jobs("syn", "db") | model_jobs("syn2", "db") | {"summarize", "all"})
    # Snakemake 9.27.1's --list-changes params also names the last output of every
    # unchanged job (ParamsChange.__or__ keeps the files of "no change"), so only the
    # first outputs (model.pt) tell changed from unchanged here.
    changed = snakemake(built.workdir, config, "--list-changes", "params").split()
    assert {"results/syn/db/model.pt", "results/syn2/db/model.pt"} <= set(changed)
    assert "results/syn/cnn/model.pt" not in changed


def test_changed_split_reruns_only_that_datasets_encoding_and_after(built: Built) -> None:
    config = copy.deepcopy(CONFIG)
    config["datasets"]["syn2"]["split"] = {"method": "random", "seed": 7}
    assert planned(built, config) == (
        {"encode:syn2"} | model_jobs("syn2", "db") | {"summarize", "all"})


def test_added_architecture_or_dataset_runs_only_the_new_jobs(built: Built) -> None:
    config = copy.deepcopy(CONFIG)
    config["architectures"]["db3"] = {"model": "deepbind", "params": {"filters": 3},
                                      "datasets": ["syn2"]}
    assert planned(built, config) == model_jobs("syn2", "db3") | {"summarize", "all"}

    config = copy.deepcopy(CONFIG)
    config["datasets"]["syn3"] = {"synthetic": {"n_sequences": 400, "seed": 8}, **SYNTHETIC}
    assert planned(built, config) == (
        data_jobs("syn3") | model_jobs("syn3", "db") | {"summarize", "all"})


def _wait_for(path: Path, text: str, process: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not (path.exists() and text in path.read_text()):
        assert process.poll() is None, f"snakemake ended ({process.returncode}) before '{text}'"
        assert time.monotonic() < deadline, f"no '{text}' in {path} after {timeout} s"
        time.sleep(0.1)


def _assert_group_gone(pgid: int, timeout: float = 10) -> None:
    """No process of the group is left (the killed job's children are reaped)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"process group {pgid} survived SIGKILL"
        time.sleep(0.2)


def test_training_killed_with_sigkill_leaves_nothing_complete_and_rerun_finishes(
    built: Built, tmp_path: Path
) -> None:
    workdir = tmp_path / "copy"
    shutil.copytree(built.workdir, workdir, symlinks=True)
    config = copy.deepcopy(CONFIG)
    config["architectures"]["slow"] = {
        "model": "deepbind", "params": {"filters": 4}, "datasets": ["syn"],
        "training": {"epochs": 20, "patience": 20}}
    configfile = write_config(workdir / "slow.yaml", config)
    target = "results/syn/slow/model.pt"
    command = [str(SNAKEMAKE), "--snakefile", str(REPO / "workflow" / "Snakefile"),
               "--directory", str(workdir), "--cores", "2", target, "--configfile",
               str(configfile)]
    with open(workdir / "killed.log", "w") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        _wait_for(workdir / "logs/train/syn/slow.log", "epoch 1/20", process)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # Snakemake and its job, as a node crash
        process.wait()
    _assert_group_gone(process.pid)

    outputs = ["model.pt", "history.tsv", "metrics.json", "predictions.tsv"]
    left = [name for name in outputs if (workdir / "results/syn/slow" / name).exists()]
    assert not left, f"a killed training job left {left}"
    dry = snakemake(workdir, config, target, "-n")
    assert jobs(dry) == {"train:syn/slow"}, dry[-3000:]
    locked = snakemake(workdir, config, target, check=False)
    assert "--unlock" in locked  # Snakemake's lock outlives a kill -9; it says how to clear it
    snakemake(workdir, config, target, "--unlock")
    rerun = snakemake(workdir, config, target)
    assert jobs(rerun) == {"train:syn/slow"}
    from motifnet.train.checkpoint import load_model

    _, info = load_model(workdir / target)
    assert info["training"]["epochs"] == 20


def _create_outputs(workdir: Path, config: Path) -> int:
    """Create every output the plan names (directory() outputs as folders); the count."""
    summary = run_snakemake(workdir, "--summary", "--configfile", str(config)).stdout
    rows = [line.split("\t") for line in summary.splitlines()[1:] if "\t" in line]
    directories = [
        re.compile(re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(pattern)))
        for rule in workflow_rules(workdir, config).values() for pattern in rule["directories"]]
    for path, *_ in rows:
        target = workdir / path
        if any(d.fullmatch(path) for d in directories):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
    return len(rows)


def test_up_to_date_check_of_4_datasets_x_9_architectures(tmp_path: Path) -> None:
    from motifnet.models.catalog import known_models

    models = known_models()
    assert len(models) == 9
    config = write_config(tmp_path / "config.yaml", {
        "datasets": {f"syn{i}": {"synthetic": {"n_sequences": 100, "seed": i}, **SYNTHETIC}
                     for i in range(4)},
        "architectures": {model: {"model": model} for model in models},
        "gpus": {"cpu_only": True},
    })
    n_outputs = _create_outputs(tmp_path, config)
    # --touch dates every output after its inputs, in the order of the DAG
    run_snakemake(tmp_path, "--touch", "--configfile", str(config))
    timings = {}
    for label, flag in (("up-to-date dry run (-n)", "-n"),
                        ("workflow parsing alone (--list-rules)", "--list-rules")):
        start = time.perf_counter()
        done = run_snakemake(tmp_path, flag, "--configfile", str(config))
        timings[label] = time.perf_counter() - start
        if flag == "-n":
            output = done.stdout + done.stderr
            assert "Nothing to be done" in output, output[-3000:]
    print(f"\nup-to-date check, 4 datasets x 9 architectures, {n_outputs} outputs:")
    for label, seconds in timings.items():
        print(f"  {label}: {seconds:.1f} s")
    assert max(timings.values()) < 120
