"""A real one-node SLURM cluster (tests/slurm/cluster.sh) and the workflow's SLURM profile.

The cluster is started once for the module (and stopped again if this module started
it). Where it cannot run (not root, Debian packages missing) every test is skipped
with the reason, unless MOTIFNET_REQUIRE_SLURM=1 (set it in CI) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slurm

REPO = Path(__file__).resolve().parents[1]
CLUSTER_SH = REPO / "tests" / "slurm" / "cluster.sh"
PROFILE = REPO / "workflow" / "profiles" / "slurm"
PARTITION, GPU_PARTITION, ACCOUNT = "main", "gpu", "motifnet"
COMMANDS = ("munged", "mariadbd", "slurmdbd", "slurmctld", "slurmd",
            "sbatch", "sacct", "squeue", "scancel")
FIELDS = ("JobID", "JobName", "WorkDir", "Comment", "State", "ReqTRES", "AllocTRES",
          "Partition", "ReqMem", "Timelimit", "Account", "Start", "End")
# What cluster.sh creates, and what the profile reads to fill in -p and -A.
CLUSTER_ENV = {
    "MOTIFNET_SLURM_PARTITION": PARTITION,
    "MOTIFNET_SLURM_GPU_PARTITION": GPU_PARTITION,
    "MOTIFNET_SLURM_ACCOUNT": ACCOUNT,
}

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
    shell:
        "echo CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES > {output}; "
        "if [ -e hold_{wildcards.ds} ]; then sleep 600; fi"
"""


def _unavailable() -> str | None:
    """Why the cluster cannot run here, or None."""
    if os.geteuid() != 0:
        return "the test SLURM cluster needs root (daemons run as root, munge and mysql)"
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    missing = [c for c in COMMANDS if shutil.which(c, path=path) is None]
    if missing:
        return f"SLURM packages missing ({', '.join(missing)}): run `{CLUSTER_SH} install`"
    return None


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("MOTIFNET_REQUIRE_SLURM") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def slurm_env() -> Iterator[dict[str, str]]:
    """Environment for sbatch/sacct/snakemake talking to the running test cluster."""
    reason = _unavailable()
    if reason:
        _skip_or_fail(reason)
    env = {**os.environ, **CLUSTER_ENV,
           "PATH": os.environ.get("PATH", "") + ":/usr/sbin:/sbin"}
    status = subprocess.run([CLUSTER_SH, "status"], env=env, capture_output=True)
    start = subprocess.run([CLUSTER_SH, "start"], env=env, capture_output=True, text=True,
                           timeout=300)
    if start.returncode != 0:
        _skip_or_fail(f"`{CLUSTER_SH} start` failed: {start.stderr.strip()[-800:]}")
    exports = subprocess.run([CLUSTER_SH, "env"], env=env, capture_output=True, text=True,
                             check=True)
    key, _, value = exports.stdout.strip().removeprefix("export ").partition("=")
    env[key] = value
    yield env
    if status.returncode != 0:  # this module started it
        subprocess.run([CLUSTER_SH, "stop"], env=env, capture_output=True, timeout=300)


def _run(env: dict[str, str], *args: str | Path) -> str:
    done = subprocess.run([str(a) for a in args], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"{args} failed: {done.stderr}"
    return done.stdout


def _sacct(env: dict[str, str], *args: str) -> list[dict[str, str]]:
    """One dict per job allocation (no steps) from sacct, keyed by FIELDS."""
    out = _run(env, "sacct", "-X", "-P", "-n", "--format=" + ",".join(FIELDS), *args)
    return [dict(zip(FIELDS, line.split("|"))) for line in out.splitlines() if line]


def _wait_finished(env: dict[str, str], job_ids: list[str],
                   timeout: float = 120) -> dict[str, dict[str, str]]:
    deadline = time.monotonic() + timeout
    while True:
        jobs = {j["JobID"]: j for j in _sacct(env, "-j", ",".join(job_ids))}
        if len(jobs) == len(job_ids) and all(
                j["State"] not in ("PENDING", "RUNNING") for j in jobs.values()):
            return jobs
        assert time.monotonic() < deadline, f"jobs not finished after {timeout} s: {jobs}"
        time.sleep(0.5)


def _tres(job: dict[str, str], field: str = "ReqTRES") -> dict[str, str]:
    return dict(item.split("=", 1) for item in job[field].split(",") if item)


def _timelimit(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _profile_resources(threads: int, attempt: int = 1) -> tuple[dict, dict]:
    """The profile's default and `train` resources, evaluated as Snakemake does."""
    import yte

    with open(PROFILE / "config.yaml") as f:
        profile = yte.process_yaml(f, require_use_yte=True)

    def evaluate(resources: dict) -> dict:
        out = {}
        for key, value in resources.items():
            try:
                out[key] = eval(value, {"attempt": attempt, "threads": threads}) \
                    if isinstance(value, str) else value
            except NameError:  # a plain string such as a partition name
                out[key] = value
        return out

    return evaluate(profile["default-resources"]), evaluate(profile["set-resources"]["train"])


def test_sbatch_cpu_and_gpu_jobs_complete_with_their_requests(
    slurm_env: dict[str, str], tmp_path: Path
) -> None:
    def submit(*args: str) -> str:
        return _run(slurm_env, "sbatch", "--parsable", "-p", PARTITION,
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
    assert "gres/gpu" not in _tres(jobs[cpu])
    for job_id in (gpus, gres):
        assert _tres(jobs[job_id])["gres/gpu"] == "1"
        assert _tres(jobs[job_id], "AllocTRES")["gres/gpu"] == "1"
        assert (tmp_path / f"{job_id}.out").read_text().strip() == "CUDA_VISIBLE_DEVICES=0"
    # One GPU: the two GPU jobs ran one after the other.
    first, second = sorted((jobs[gpus], jobs[gres]), key=lambda j: j["Start"])
    assert first["End"] <= second["Start"]


def _snakemake(env: dict[str, str], workdir: Path, *extra: str) -> subprocess.Popen:
    """The toy workflow through the profile; only the first status wait is shortened,
    and retries are off so that a cancelled job stays cancelled."""
    args = [sys.executable, "-m", "snakemake", "--profile", str(PROFILE),
            "--slurm-init-seconds-before-status-checks", "2", "--retries", "0", *extra]
    with open(workdir / f"snakemake.{time.monotonic_ns()}.log", "w") as log:
        return subprocess.Popen(args, cwd=workdir, env=env, stdout=log,
                                stderr=subprocess.STDOUT)


def _finish(run: subprocess.Popen, timeout: float = 180) -> int:
    """The exit status of a snakemake run; killed (failing the test) when it hangs."""
    try:
        return run.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.kill()
        run.wait()
        raise AssertionError(f"snakemake still running after {timeout} s: {run.args}")


def _jobs_in(env: dict[str, str], workdir: Path, after: int = 0) -> list[dict[str, str]]:
    """This test's jobs (by working directory) with ids above `after`."""
    jobs = _sacct(env, "-S", "now-1hour")
    return [j for j in jobs if j["WorkDir"] == str(workdir) and int(j["JobID"]) > after]


def test_profile_submits_each_job_and_rerun_after_scancel_finishes_only_the_missing(
    slurm_env: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("snakemake_executor_plugin_slurm")
    (tmp_path / "Snakefile").write_text(TOY_SNAKEFILE)
    (tmp_path / "hold_b").touch()
    defaults, train = _profile_resources(threads=2)

    # Plugin 2.8.0 reads sacct's "CANCELLED by 0" as still running and would wait
    # forever; squeue says plain "CANCELLED" (the cluster keeps jobs for MinJobAge=300 s).
    run = _snakemake(slurm_env, tmp_path, "--slurm-status-command", "squeue")
    deadline = time.monotonic() + 180
    held = ""
    while not held:
        if run.poll() is not None or time.monotonic() > deadline:
            _finish(run, timeout=0.1)
            raise AssertionError("train b never ran")
        queue = _run(slurm_env, "squeue", "-h", "-o", "%i|%T|%k").splitlines()
        held = next((line.split("|")[0] for line in queue
                     if line.endswith("|RUNNING|rule_train_wildcards_b")), "")
        time.sleep(0.5)
    _run(slurm_env, "scancel", held)
    (tmp_path / "hold_b").unlink()
    assert _finish(run) != 0

    first = {j["Comment"]: j for j in _jobs_in(slurm_env, tmp_path)}
    assert sorted(first) == ["rule_prepare_wildcards_a", "rule_prepare_wildcards_b",
                             "rule_train_wildcards_a", "rule_train_wildcards_b"]
    assert len({j["JobName"] for j in first.values()}) == 1, "one run id names all jobs"
    assert first["rule_train_wildcards_b"]["State"].startswith("CANCELLED")
    for ds in "ab":
        prepare = first[f"rule_prepare_wildcards_{ds}"]
        assert (prepare["State"], prepare["Partition"], prepare["Account"]) == (
            "COMPLETED", PARTITION, ACCOUNT)
        assert prepare["ReqMem"] == f"{defaults['mem_mb']}M"
        assert prepare["Timelimit"] == _timelimit(defaults["runtime"])
        assert "gres/gpu" not in _tres(prepare)

    assert _finish(_snakemake(slurm_env, tmp_path)) == 0  # status through sacct this time
    last = max(int(j["JobID"]) for j in first.values())
    second = _jobs_in(slurm_env, tmp_path, after=last)
    assert [j["Comment"] for j in second] == ["rule_train_wildcards_b"]

    for job in (first["rule_train_wildcards_a"], second[0]):
        assert (job["State"], job["Partition"], job["Account"]) == (
            "COMPLETED", GPU_PARTITION, ACCOUNT)
        assert job["ReqMem"] == f"{train['mem_mb']}M"
        assert job["Timelimit"] == _timelimit(train["runtime"])
        assert _tres(job)["gres/gpu"] == str(train["gpu"])
        assert _tres(job)["cpu"] == str(train["cpus_per_task"])
    for ds in "ab":
        assert (tmp_path / "model" / f"{ds}.txt").read_text().strip() == "CUDA_VISIBLE_DEVICES=0"
