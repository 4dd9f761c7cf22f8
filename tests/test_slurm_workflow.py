"""The workflow itself on the one-node test SLURM cluster, through workflow/profiles/slurm.

A tiny config (one synthetic dataset, one small architecture) runs end to end: every job
must be submitted with sbatch asking for what the profile and the config say (partition,
memory, time; a GPU for `train` only) and complete. One job (motif_logos, last in the
chain) is cancelled with scancel while it runs; a rerun must submit that job alone.
The cluster is started by the shared fixture (tests/slurm/fixtures.py), or the module is
skipped with the reason (a failure with MOTIFNET_REQUIRE_SLURM=1).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from slurm.fixtures import (
    ACCOUNT,
    GPU_PARTITION,
    PARTITION,
    REPO,
    finish,
    jobs_in,
    profile_resources,
    run,
    slurm_env,  # noqa: F401 (the fixture)
    snakemake,
    timelimit,
    tres,
)

pytestmark = pytest.mark.slurm

TRAIN_MEM_MB, TRAIN_MINUTES = 3000, 30
CONFIG = {
    "datasets": {"syn": {"synthetic": {"n_sequences": 400, "seed": 5},
                         "task": "multilabel", "length": 200}},
    "architectures": {"db": {"model": "deepbind", "params": {"filters": 4}}},
    "training": {"epochs": 2, "threads": 1, "mem_mb": TRAIN_MEM_MB, "runtime": TRAIN_MINUTES},
    "motifs": {"max_sequences": 200, "method": "filters"},  # attribute: see test_profiles
}
# The plugin's sbatch --comment: rule_<rule>[_wildcards_<values joined by _>].
EXPECTED = {
    "rule_generate_synthetic_wildcards_syn", "rule_extract_sequences_wildcards_syn",
    "rule_encode_wildcards_syn", "rule_export_motif_db", "rule_warm_tomtom",
    "rule_train_wildcards_syn_db", "rule_extract_pfms_wildcards_syn_db",
    "rule_tomtom_wildcards_syn_db", "rule_motif_logos_wildcards_syn_db", "rule_summarize",
}
CANCELLED = "rule_motif_logos_wildcards_syn_db"


def job_stats(log: str) -> dict[str, int]:
    """Snakemake's 'Job stats' table (rule -> number of jobs) of a run's output."""
    table = log.split("Job stats:", 1)[1].split("total", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M)}


def _cancel_when_running(env: dict[str, str], process, comment: str, log: Path,
                         timeout: float = 480) -> str:
    """scancel the job with this comment as soon as squeue shows it RUNNING; its id."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"snakemake ended before {comment} ran:\n" \
            f"{log.read_text()[-4000:]}"
        assert time.monotonic() < deadline, f"{comment} not running after {timeout} s"
        queue = run(env, "squeue", "-h", "-o", "%i|%T|%k").splitlines()
        running = [line.split("|")[0] for line in queue if line.endswith(f"|RUNNING|{comment}")]
        if running:
            run(env, "scancel", running[0])
            return running[0]
        time.sleep(0.5)


def test_workflow_jobs_go_through_sbatch_and_a_rerun_after_scancel_runs_only_the_missing(
    slurm_env: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("snakemake_executor_plugin_slurm")
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(CONFIG))
    workflow = ("--snakefile", str(REPO / "workflow" / "Snakefile"))
    defaults, train = profile_resources(threads=CONFIG["training"]["threads"])
    started = time.monotonic()

    # --keep-going: the jobs beside the cancelled one still finish. Status via squeue:
    # plugin 2.8.0 reads sacct's "CANCELLED by 0" as still running and would wait forever.
    first_log = tmp_path / "first.log"
    process = snakemake(slurm_env, tmp_path, *workflow, "--keep-going",
                        "--slurm-status-command", "squeue", "--configfile", "config.yaml",
                        log=first_log)
    cancelled = _cancel_when_running(slurm_env, process, CANCELLED, first_log)
    assert finish(process, timeout=480) != 0
    first_seconds = time.monotonic() - started

    first = jobs_in(slurm_env, tmp_path)
    comments = [j["Comment"] for j in first]
    assert sorted(comments) == sorted(EXPECTED), "each job submitted once, by sbatch"
    planned = job_stats(first_log.read_text())
    assert planned.pop("all") == 1  # the target rule runs no command: never submitted
    assert planned.pop("learned") == 1  # a localrule: merges two JSON files on the login node
    assert planned == {c.removeprefix("rule_").split("_wildcards_")[0]: 1 for c in EXPECTED}
    assert len({j["JobName"] for j in first}) == 1, "one run id names all jobs"
    for job in first:
        where = f"{job['Comment']} (job {job['JobID']})"
        if job["JobID"] == cancelled:
            assert job["State"].startswith("CANCELLED"), where
        else:
            assert job["State"] == "COMPLETED", where
        assert job["Account"] == ACCOUNT, where
        if job["Comment"].startswith("rule_train_"):
            assert (job["Partition"], job["ReqMem"], job["Timelimit"]) == (
                GPU_PARTITION, f"{TRAIN_MEM_MB}M", timelimit(TRAIN_MINUTES)), where
            assert tres(job)["gres/gpu"] == str(train["gpu"]) == "1", where
            assert tres(job, "AllocTRES")["gres/gpu"] == "1", where
            assert tres(job)["cpu"] == str(CONFIG["training"]["threads"]), where
        else:
            assert (job["Partition"], job["ReqMem"], job["Timelimit"]) == (
                PARTITION, f"{defaults['mem_mb']}M", timelimit(defaults["runtime"])), where
            assert "gres/gpu" not in tres(job) and "gres/gpu" not in tres(job, "AllocTRES"), where
    results = tmp_path / "results"
    assert (results / "summary.tsv").is_file() and (results / "trials.png").is_file()
    assert not (results / "syn/db/logos.png").exists()

    started = time.monotonic()
    second_log = tmp_path / "second.log"
    rerun = snakemake(slurm_env, tmp_path, *workflow, "--configfile", "config.yaml",
                      log=second_log)
    assert finish(rerun, timeout=300) == 0, second_log.read_text()[-4000:]
    second_seconds = time.monotonic() - started
    second = jobs_in(slurm_env, tmp_path, after=max(int(j["JobID"]) for j in first))
    assert [(j["Comment"], j["State"]) for j in second] == [(CANCELLED, "COMPLETED")]
    assert job_stats(second_log.read_text()) == {"motif_logos": 1, "all": 1}
    assert (results / "syn/db/logos.png").is_file()
    print(f"\nSLURM: first run {first_seconds:.0f} s ({len(first)} jobs), "
          f"rerun {second_seconds:.0f} s ({len(second)} job)")
