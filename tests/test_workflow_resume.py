"""Run the same command again after a kill, on a workstation (the default profile).

A tiny run (one synthetic dataset, one small DeepBind, 20 epochs) is killed twice over:
- Snakemake and its training job at once (SIGKILL to the process group, as a crash) during
  epoch 3 or later: after `--unlock` (a kill -9 leaves Snakemake's lock), the same command
  trains on from the last completed epoch, to the same model and metrics as a run never
  killed;
- Snakemake alone: its training job runs on as an orphan and finishes; the same command
  (after `--unlock`) redoes the job Snakemake could not see complete (`rerun-incomplete`
  in the profile) instead of stopping with IncompleteFilesException.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import torch
import yaml

from conftest import REPO, SNAKEMAKE, run_snakemake

pytestmark = pytest.mark.workflow

EPOCHS = 20
CONFIG = {
    "datasets": {"syn": {"synthetic": {"n_sequences": 1000, "seed": 5},
                         "task": "multilabel", "length": 200}},
    "architectures": {"db": {"model": "deepbind", "params": {"filters": 4},
                             "training": {"epochs": EPOCHS, "patience": EPOCHS}}},
    "training": {"threads": 1},
    "gpus": {"cpu_only": True},
}
TARGET = "results/syn/db/model.pt"
TRAIN_LOG = "logs/train/syn/db.log"


@pytest.fixture(scope="module")
def encoded(tmp_path_factory) -> Path:
    """A working directory with the dataset encoded (no model yet)."""
    workdir = tmp_path_factory.mktemp("resume")
    (workdir / "config.yaml").write_text(yaml.safe_dump(CONFIG))
    run_snakemake(workdir, "results/syn/data/encoding.json", "--configfile",
                  str(workdir / "config.yaml"))
    return workdir


def copy_of(encoded: Path, tmp_path: Path, name: str) -> Path:
    workdir = tmp_path / name
    shutil.copytree(encoded, workdir, symlinks=True)
    return workdir


def start(workdir: Path) -> subprocess.Popen:
    """The run of TARGET in the background, in a process group of its own."""
    command = [str(SNAKEMAKE), "--snakefile", str(REPO / "workflow/Snakefile"), "--directory",
               str(workdir), "--cores", "2", TARGET, "--configfile", str(workdir / "config.yaml")]
    with open(workdir / "killed.log", "w") as log:
        return subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_for_epoch(workdir: Path, process: subprocess.Popen, epoch: int) -> None:
    log, deadline = workdir / TRAIN_LOG, time.monotonic() + 300
    while not (log.exists() and f"epoch {epoch}/{EPOCHS}" in log.read_text()):
        assert process.poll() is None, (workdir / "killed.log").read_text()[-3000:]
        assert time.monotonic() < deadline, f"no epoch {epoch} after 300 s"
        time.sleep(0.05)


def wait_gone(pgid: int, timeout: float = 300) -> None:
    """Until no process of the group is left."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"process group {pgid} still there"
        time.sleep(0.2)


def again(workdir: Path, *args: str) -> str:
    done = run_snakemake(workdir, TARGET, *args, "--configfile", str(workdir / "config.yaml"))
    return done.stdout + done.stderr


def test_killed_with_its_training_job_the_same_command_resumes_to_the_same_model(
    encoded: Path, tmp_path: Path
) -> None:
    never = copy_of(encoded, tmp_path, "never_killed")
    again(never)
    workdir = copy_of(encoded, tmp_path, "killed")
    process = start(workdir)
    try:
        wait_for_epoch(workdir, process, 2)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    wait_gone(process.pid)
    assert not (workdir / TARGET).exists() and (workdir / f"{TARGET}.resume").exists()
    again(workdir, "--unlock")
    again(workdir)
    resumed = [line for line in (workdir / TRAIN_LOG).read_text().splitlines()
               if "resuming after epoch" in line]
    assert resumed and f"of {EPOCHS}" in resumed[0], (workdir / TRAIN_LOG).read_text()[-3000:]
    assert not (workdir / f"{TARGET}.resume").exists()

    a, b = (torch.load(w / TARGET, weights_only=True) for w in (never, workdir))
    for name, tensor in a["state_dict"].items():
        assert torch.equal(tensor, b["state_dict"][name]), name
    timing = ("train_seconds", "seconds_per_epoch")
    metrics = [{k: v for k, v in json.loads((w / "results/syn/db/metrics.json").read_text())
                .items() if k not in timing} for w in (never, workdir)]
    assert metrics[0] == metrics[1]
    history = pd.read_csv(workdir / "results/syn/db/history.tsv", sep="\t")
    assert history["epoch"].tolist() == list(range(1, EPOCHS + 1))


def test_killed_alone_the_same_command_redoes_the_job_it_left_incomplete(
    encoded: Path, tmp_path: Path
) -> None:
    workdir = copy_of(encoded, tmp_path, "orphan")
    process = start(workdir)
    try:
        wait_for_epoch(workdir, process, 1)
    finally:
        process.send_signal(signal.SIGKILL)  # Snakemake only: its job runs on
        process.wait()
    wait_gone(process.pid)  # the orphaned training job finished
    assert (workdir / TARGET).exists()
    again(workdir, "--unlock")
    output = again(workdir)
    assert "IncompleteFilesException" not in output
    assert "rule train:" in output and "Finished job" in output, output[-3000:]
