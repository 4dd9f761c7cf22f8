"""The one-node test SLURM cluster (cluster.sh) as a pytest fixture, and helpers to query it.

Shared by tests/test_slurm_cluster.py and tests/test_slurm_workflow.py:
``from slurm.fixtures import slurm_env`` makes the fixture available to a test module.
Where the cluster cannot run (not root, Debian packages missing) the tests are skipped with
the reason, unless MOTIFNET_REQUIRE_SLURM=1 (set it in CI) makes that a failure.
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

REPO = Path(__file__).resolve().parents[2]
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


def unavailable() -> str | None:
    """Why the cluster cannot run here, or None."""
    if os.geteuid() != 0:
        return "the test SLURM cluster needs root (daemons run as root, munge and mysql)"
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    missing = [c for c in COMMANDS if shutil.which(c, path=path) is None]
    if missing:
        return f"SLURM packages missing ({', '.join(missing)}): run `{CLUSTER_SH} install`"
    return None


def skip_or_fail(reason: str) -> None:
    if os.environ.get("MOTIFNET_REQUIRE_SLURM") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def slurm_env() -> Iterator[dict[str, str]]:
    """Environment for sbatch/sacct/snakemake talking to the running test cluster."""
    reason = unavailable()
    if reason:
        skip_or_fail(reason)
    env = {**os.environ, **CLUSTER_ENV,
           "PATH": os.environ.get("PATH", "") + ":/usr/sbin:/sbin"}
    status = subprocess.run([CLUSTER_SH, "status"], env=env, capture_output=True)
    start = subprocess.run([CLUSTER_SH, "start"], env=env, capture_output=True, text=True,
                           timeout=300)
    if start.returncode != 0:
        skip_or_fail(f"`{CLUSTER_SH} start` failed: {start.stderr.strip()[-800:]}")
    exports = subprocess.run([CLUSTER_SH, "env"], env=env, capture_output=True, text=True,
                             check=True)
    key, _, value = exports.stdout.strip().removeprefix("export ").partition("=")
    env[key] = value
    yield env
    if status.returncode != 0:  # this module started it
        subprocess.run([CLUSTER_SH, "stop"], env=env, capture_output=True, timeout=300)


def run(env: dict[str, str], *args: str | Path) -> str:
    """Stdout of a command that must succeed."""
    done = subprocess.run([str(a) for a in args], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"{args} failed: {done.stderr}"
    return done.stdout


def sacct(env: dict[str, str], *args: str) -> list[dict[str, str]]:
    """One dict per job allocation (no steps) from sacct, keyed by FIELDS."""
    out = run(env, "sacct", "-X", "-P", "-n", "--format=" + ",".join(FIELDS), *args)
    return [dict(zip(FIELDS, line.split("|"))) for line in out.splitlines() if line]


def jobs_in(env: dict[str, str], workdir: Path, after: int = 0) -> list[dict[str, str]]:
    """Jobs of the last hour run in ``workdir``, with ids above ``after``, oldest first."""
    jobs = sacct(env, "-S", "now-1hour")
    return [j for j in jobs if j["WorkDir"] == str(workdir) and int(j["JobID"]) > after]


def tres(job: dict[str, str], field: str = "ReqTRES") -> dict[str, str]:
    """A job's trackable resources, e.g. {"cpu": "1", "mem": "2000M", "gres/gpu": "1"}."""
    return dict(item.split("=", 1) for item in job[field].split(",") if item)


def timelimit(minutes: int) -> str:
    """sacct's Timelimit for a limit in minutes (below one day)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def profile_resources(threads: int, attempt: int = 1) -> tuple[dict, dict]:
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


def snakemake(env: dict[str, str], workdir: Path, *extra: str,
              log: Path | None = None) -> subprocess.Popen:
    """Snakemake in ``workdir`` through the profile, in the background, its output in
    ``log`` (default: a new snakemake.<time>.log there); only the first status wait is
    shortened, and retries are off so that a cancelled job stays cancelled."""
    args = [sys.executable, "-m", "snakemake", "--workflow-profile", str(PROFILE),
            "--slurm-init-seconds-before-status-checks", "2", "--retries", "0", *extra]
    log = log or workdir / f"snakemake.{time.monotonic_ns()}.log"
    with open(log, "w") as out:
        return subprocess.Popen(args, cwd=workdir, env=env, stdout=out,
                                stderr=subprocess.STDOUT)


def finish(process: subprocess.Popen, timeout: float = 180) -> int:
    """The exit status of a snakemake run; killed (failing the test) when it hangs."""
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"snakemake still running after {timeout} s: {process.args}")
