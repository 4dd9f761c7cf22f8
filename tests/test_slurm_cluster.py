"""A real one-node SLURM cluster (tests/slurm/cluster.sh) and the workflow's SLURM profile.

The cluster is started once for the module (and stopped again if this module started
it). Where it cannot run (not root, Debian packages missing) every test is skipped
with the reason, unless MOTIFNET_REQUIRE_SLURM=1 (set it in CI) makes that a failure.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from slurm.fixtures import (
    ACCOUNT,
    GPU_PARTITION,
    PARTITION,
    finish,
    jobs_in,
    profile_resources,
    run,
    sacct,
    slurm_env,  # noqa: F401 (the fixture)
    snakemake,
    timelimit,
    tres,
)

pytestmark = pytest.mark.slurm

TOY_SNAKEFILE = """\
DATASETS = ["a", "b"]

rule all:
    input: expand("model/{ds}.txt", ds=DATASETS)

rule prepare:
    output: "data/{ds}.txt"
    shell: "echo {wildcards.ds} > {output}"

# Named like the workflow's training rule so that the profile's set-resources apply.
rule train:
    input: "data/{ds}.txt"
    output: "model/{ds}.txt"
    threads: 2
    resources:  # as the workflow's train rule: from the config, doubled on a retry
        mem_mb=lambda wildcards, attempt: 3000 * attempt,
        runtime=lambda wildcards, attempt: 90 * attempt,
    shell:
        "echo CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES > {output}; "
        "if [ -e hold_{wildcards.ds} ]; then sleep 600; fi"
"""


def _wait_finished(env: dict[str, str], job_ids: list[str],
                   timeout: float = 120) -> dict[str, dict[str, str]]:
    deadline = time.monotonic() + timeout
    while True:
        jobs = {j["JobID"]: j for j in sacct(env, "-j", ",".join(job_ids))}
        if len(jobs) == len(job_ids) and all(
                j["State"] not in ("PENDING", "RUNNING") for j in jobs.values()):
            return jobs
        assert time.monotonic() < deadline, f"jobs not finished after {timeout} s: {jobs}"
        time.sleep(0.5)


def test_sbatch_cpu_and_gpu_jobs_complete_with_their_requests(
    slurm_env: dict[str, str], tmp_path: Path
) -> None:
    def submit(*args: str) -> str:
        return run(slurm_env, "sbatch", "--parsable", "-p", PARTITION,
                    "-o", tmp_path / "%j.out", *args).strip()

    show_gpu = "echo CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES; sleep 3"
    cpu = submit("--mem", "100", "--wrap", "echo cpu")
    gpus = submit("--mem", "200", "--gpus=1", "--wrap", show_gpu)
    gres = submit("--mem", "300", "--gres=gpu:1", "--wrap", show_gpu)
    jobs = _wait_finished(slurm_env, [cpu, gpus, gres])

    for job_id, mem in ((cpu, "100M"), (gpus, "200M"), (gres, "300M")):
        job = jobs[job_id]
        assert (job["State"], job["Partition"], job["ReqMem"], job["Account"]) == (
            "COMPLETED", PARTITION, mem, ACCOUNT)
    assert "gres/gpu" not in tres(jobs[cpu])
    for job_id in (gpus, gres):
        assert tres(jobs[job_id])["gres/gpu"] == "1"
        assert tres(jobs[job_id], "AllocTRES")["gres/gpu"] == "1"
        assert (tmp_path / f"{job_id}.out").read_text().strip() == "CUDA_VISIBLE_DEVICES=0"
    # One GPU: the two GPU jobs ran one after the other.
    first, second = sorted((jobs[gpus], jobs[gres]), key=lambda j: j["Start"])
    assert first["End"] <= second["Start"]


def test_profile_submits_each_job_and_rerun_after_scancel_finishes_only_the_missing(
    slurm_env: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("snakemake_executor_plugin_slurm")
    (tmp_path / "Snakefile").write_text(TOY_SNAKEFILE)
    (tmp_path / "hold_b").touch()
    defaults, train = profile_resources(threads=2)

    # Plugin 2.8.0 reads sacct's "CANCELLED by 0" as still running and would wait
    # forever; squeue says plain "CANCELLED" (the cluster keeps jobs for MinJobAge=300 s).
    process = snakemake(slurm_env, tmp_path, "--slurm-status-command", "squeue")
    deadline = time.monotonic() + 180
    held = ""
    while not held:
        if process.poll() is not None or time.monotonic() > deadline:
            finish(process, timeout=0.1)
            raise AssertionError("train b never ran")
        queue = run(slurm_env, "squeue", "-h", "-o", "%i|%T|%k").splitlines()
        held = next((line.split("|")[0] for line in queue
                     if line.endswith("|RUNNING|rule_train_wildcards_b")), "")
        time.sleep(0.5)
    run(slurm_env, "scancel", held)
    (tmp_path / "hold_b").unlink()
    assert finish(process) != 0

    first = {j["Comment"]: j for j in jobs_in(slurm_env, tmp_path)}
    assert sorted(first) == ["rule_prepare_wildcards_a", "rule_prepare_wildcards_b",
                             "rule_train_wildcards_a", "rule_train_wildcards_b"]
    assert len({j["JobName"] for j in first.values()}) == 1, "one run id names all jobs"
    assert first["rule_train_wildcards_b"]["State"].startswith("CANCELLED")
    for ds in "ab":
        prepare = first[f"rule_prepare_wildcards_{ds}"]
        assert (prepare["State"], prepare["Partition"], prepare["Account"]) == (
            "COMPLETED", PARTITION, ACCOUNT)
        assert prepare["ReqMem"] == f"{defaults['mem_mb']}M"
        assert prepare["Timelimit"] == timelimit(defaults["runtime"])
        assert "gres/gpu" not in tres(prepare)

    assert finish(snakemake(slurm_env, tmp_path)) == 0  # status through sacct this time
    last = max(int(j["JobID"]) for j in first.values())
    second = jobs_in(slurm_env, tmp_path, after=last)
    assert [j["Comment"] for j in second] == ["rule_train_wildcards_b"]

    for job in (first["rule_train_wildcards_a"], second[0]):
        assert (job["State"], job["Partition"], job["Account"]) == (
            "COMPLETED", GPU_PARTITION, ACCOUNT)
        assert job["ReqMem"] == "3000M"  # the rule's own request, not overridden
        assert job["Timelimit"] == timelimit(90)
        assert tres(job)["gres/gpu"] == str(train["gpu"])
        assert tres(job)["cpu"] == str(train["cpus_per_task"])
    for ds in "ab":
        assert (tmp_path / "model" / f"{ds}.txt").read_text().strip() == "CUDA_VISIBLE_DEVICES=0"
