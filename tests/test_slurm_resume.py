"""A training job killed on the test SLURM cluster resumes from its last completed epoch.

The training job of a tiny run (its data made on this machine) is sent SIGKILL with `scancel --signal` while it trains (as a
job killed at its time limit, on a lost node or by preemption); Snakemake's retry submits it
again, and the new job goes on from the epoch the killed one last saved, to a complete model
with every epoch in its history. The cluster comes from tests/slurm/fixtures.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from slurm.fixtures import (
    REPO,
    finish,
    jobs_in,
    run,
    slurm_env,  # noqa: F401 (the fixture)
    snakemake,
)

from conftest import run_snakemake

pytestmark = pytest.mark.slurm

EPOCHS = 40
CONFIG = {
    "datasets": {"syn": {"synthetic": {"n_sequences": 2000, "seed": 5},
                         "task": "multilabel", "length": 200}},
    "architectures": {"db": {"model": "deepbind", "params": {"filters": 4}}},
    "training": {"epochs": EPOCHS, "patience": EPOCHS, "threads": 1, "mem_mb": 2000,
                 "runtime": 10},
}
TRAIN = "rule_train_wildcards_syn_db"
TARGET = "results/syn/db/model.pt"


def _kill_training(env: dict[str, str], process, log: Path, after_epoch: int = 2,
                   timeout: float = 480) -> str:
    """Send SIGKILL to the running training job once its log shows ``after_epoch``; its id."""
    deadline = time.monotonic() + timeout
    while not (log.exists() and f"epoch {after_epoch}/{EPOCHS}" in log.read_text()):
        assert process.poll() is None, "snakemake ended before the training job trained"
        assert time.monotonic() < deadline, f"no epoch {after_epoch} after {timeout} s"
        time.sleep(0.1)
    queue = run(env, "squeue", "-h", "-o", "%i|%T|%k").splitlines()
    running = [line.split("|")[0] for line in queue if line.endswith(f"|RUNNING|{TRAIN}")]
    assert running, queue
    run(env, "scancel", "--signal=KILL", "--full", running[0])
    return running[0]


def test_a_training_job_killed_on_slurm_resumes_on_its_retry(
    slurm_env: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("snakemake_executor_plugin_slurm")
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(CONFIG))
    # the data jobs here, only training on the cluster
    run_snakemake(tmp_path, "results/syn/data/encoding.json", "--configfile",
                  str(tmp_path / "config.yaml"))
    train_log = tmp_path / "logs/train/syn/db.log"
    # Retries back on (the fixture turns them off). Status via squeue: plugin 2.8.0 reads
    # sacct's "CANCELLED by 0" as still running and would wait forever (a job that runs out
    # of time is TIMEOUT in sacct, which it reads right).
    process = snakemake(slurm_env, tmp_path, "--snakefile", str(REPO / "workflow/Snakefile"),
                        "--retries", "1", "--slurm-status-command", "squeue", TARGET,
                        "--configfile", "config.yaml", log=tmp_path / "run.log")
    killed = _kill_training(slurm_env, process, train_log)
    assert finish(process, timeout=480) == 0, (tmp_path / "run.log").read_text()[-4000:]

    trains = [j for j in jobs_in(slurm_env, tmp_path, after=int(killed) - 1)
              if j["Comment"] == TRAIN]
    assert [j["JobID"] for j in trains][0] == killed
    assert trains[0]["State"] != "COMPLETED" and trains[-1]["State"] == "COMPLETED", trains
    resumed = [line for line in train_log.read_text().splitlines() if "resuming after" in line]
    assert resumed, train_log.read_text()[-3000:]
    saved = int(resumed[0].split("resuming after epoch ")[1].split()[0])
    assert saved >= 2
    history = pd.read_csv(tmp_path / "results/syn/db/history.tsv", sep="\t")
    assert history["epoch"].tolist() == list(range(1, EPOCHS + 1))
    assert not (tmp_path / f"{TARGET}.resume").exists()
    print(f"\nSLURM: job {killed} killed after epoch {saved}; "
          f"{trains[-1]['JobID']} resumed from it")
