"""A training job killed during an epoch and run again goes on from its last completed epoch
and ends with the same model and metrics as a run never killed (on the CPU)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import torch

from motifnet.train.checkpoint import resume_path

from conftest import REPO
from planted import settings, splits
from test_job import outputs, write_dataset

KILL_IN_EPOCH = 3
JOB = """
import json, logging, sys, torch
logging.basicConfig(level=logging.INFO)
from motifnet.train.job import Outputs, train_and_evaluate
paths, out, cfg = json.loads(sys.argv[1])
train_and_evaluate(**paths, model_name="deepbind", params={}, cfg=cfg,
                   device=torch.device("cpu"), outputs=Outputs(**out), threads=1)
"""


def train_job(paths: dict, out, cfg: dict) -> subprocess.Popen:
    """The training job as its own process (as Snakemake runs it)."""
    argument = json.dumps([paths, vars(out), cfg])
    env = {**os.environ, "PYTHONPATH": str(REPO / "scripts")}
    return subprocess.Popen([sys.executable, "-c", JOB, argument], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def saved_epoch(path: Path) -> int:
    if not path.exists():
        return 0
    return torch.load(path, map_location="cpu", weights_only=True)["epoch"]


def kill_in_epoch(process: subprocess.Popen, state: Path, epoch: int) -> int:
    """SIGKILL the job as soon as epoch - 1 is saved (so during ``epoch``); the saved epoch."""
    deadline = time.monotonic() + 120
    while saved_epoch(state) < epoch - 1:
        assert process.poll() is None, f"the job ended before epoch {epoch}: {process.stderr}"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return saved_epoch(state)


@pytest.mark.parametrize("scheduler,weighting", [("plateau", "none"), ("onecycle", "sampler")])
def test_a_job_killed_during_an_epoch_resumes_to_the_same_model(tmp_path, scheduler, weighting):
    paths = write_dataset(tmp_path, splits(n=1200, length=100))
    cfg = settings(epochs=5, patience=10, scheduler=scheduler, class_weighting=weighting,
                   rc_augment=True)
    never = outputs(tmp_path / "never_killed")
    assert train_job(paths, never, cfg).wait() == 0

    killed = outputs(tmp_path / "killed")
    state = resume_path(killed.model)
    done = kill_in_epoch(train_job(paths, killed, cfg), state, KILL_IN_EPOCH)
    assert done == KILL_IN_EPOCH - 1 and not Path(killed.model).exists()
    rerun = train_job(paths, killed, cfg)
    assert rerun.wait() == 0, rerun.stderr.read()
    assert f"resuming after epoch {done} of 5" in rerun.stderr.read()
    assert not state.exists(), "the state file is removed when the job completes"

    a = torch.load(never.model, weights_only=True)
    b = torch.load(killed.model, weights_only=True)
    assert a["best_epoch"] == b["best_epoch"]
    for name, tensor in a["state_dict"].items():
        assert torch.equal(tensor, b["state_dict"][name]), name
    timing = ("train_seconds", "seconds_per_epoch")
    metrics = [{k: v for k, v in json.loads(Path(o.metrics).read_text()).items()
                if k not in timing} for o in (never, killed)]
    assert metrics[0] == metrics[1]
    history = [pd.read_csv(o.history, sep="\t").drop(columns="seconds") for o in (never, killed)]
    pd.testing.assert_frame_equal(*history)
    assert Path(never.predictions).read_text() == Path(killed.predictions).read_text()


def test_a_state_saved_for_other_settings_or_data_is_not_taken_up(tmp_path):
    paths = write_dataset(tmp_path, splits(n=1200, length=100))
    cfg = settings(epochs=4, patience=10)
    out = outputs(tmp_path / "job")
    state = resume_path(out.model)
    kill_in_epoch(train_job(paths, out, cfg), state, 2)
    rerun = train_job(paths, out, {**cfg, "lr": 2e-2})
    assert rerun.wait() == 0
    log = rerun.stderr.read()
    assert "saved for other settings or data: training starts from epoch 1" in log
    assert "resuming" not in log and not state.exists()
