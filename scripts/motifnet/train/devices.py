"""GPU slots: ``jobs_per_device`` jobs per GPU, each slot held by a file lock for the job's
lifetime.

Snakemake counts slots (``resources: gpu=1`` per job) but never says which GPU a job gets, so
a job takes a free slot itself: an exclusive non-blocking ``flock`` on
``{lock_dir}/{host}/gpu{id}.{place}.lock``, place 0 to ``jobs_per_device - 1``. Slots are tried
place by place, so jobs spread over the GPUs before they share one. The lock lives as long as
the open file, and the kernel drops it when the process exits however it dies (even
``kill -9``), so a crashed job never leaves a slot held. Locks sit under the host name because
GPU ids are per machine and the lock directory may be shared by the nodes of a cluster.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import torch

from ..errors import InputError

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
REPORT_SECONDS = 300.0

Device = int | str  # a CUDA index, or a physical id / MIG UUID named by CUDA_VISIBLE_DEVICES
Slot = tuple[Device, int]  # a device and one of its places


def gpu_slots(devices: Sequence[Device], jobs_per_device: int = 1) -> list[Slot]:
    """Every slot of ``devices``: each device's first place, then each one's second, ..."""
    return [(device, place) for place in range(jobs_per_device) for device in devices]


def lock_path(lock_dir: str | os.PathLike, slot: Slot) -> Path:
    """The lock file of one GPU slot on this host (MIG ids may hold slashes)."""
    device, place = slot
    name = f"gpu{str(device).replace('/', '_')}.{place}.lock"
    return Path(lock_dir) / socket.gethostname() / name


def try_lock(path: Path) -> int | None:
    """An open descriptor holding an exclusive lock on ``path``, or None if another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _holder(path: Path) -> str:
    try:
        return path.read_text().strip() or "?"
    except OSError:
        return "?"


def _first_free(slots: Sequence[Slot], lock_dir: str | os.PathLike) -> tuple[Slot, int] | None:
    for slot in slots:
        fd = try_lock(lock_path(lock_dir, slot))
        if fd is not None:
            return slot, fd
    return None


@contextmanager
def hold_slot(slots: Sequence[Slot], lock_dir: str | os.PathLike,
              poll: float = POLL_SECONDS) -> Iterator[Slot]:
    """Hold the first free slot of ``slots`` while the block runs, waiting while all are held."""
    if not slots:
        raise InputError("no GPU slots to take", key="gpus.devices",
                         hint="list GPU ids under gpus.devices or set gpus.cpu_only: true")
    started = time.monotonic()
    last_report = None
    taken = _first_free(slots, lock_dir)
    while taken is None:
        now = time.monotonic()
        if last_report is None or now - last_report >= REPORT_SECONDS:
            holders = ", ".join(f"gpu{d}.{k} (pid {_holder(lock_path(lock_dir, (d, k)))})"
                                for d, k in slots)
            log.info("all GPU slots are held: %s; waiting for one under %s", holders, lock_dir)
            last_report = now
        time.sleep(poll)
        taken = _first_free(slots, lock_dir)
    slot, fd = taken
    waited = "" if last_report is None else f" after waiting {time.monotonic() - started:.0f} s"
    log.info("took GPU slot gpu%s.%s%s", *slot, waited)
    try:
        yield slot
    finally:
        os.close(fd)


def device_kind(requested: str, cpu_only: bool) -> str:
    """'cuda', 'mps' or 'cpu': the requested device, or for 'auto' the best one present."""
    if cpu_only or requested == "cpu":
        return "cpu"
    present = {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available()}
    if requested == "auto":
        return next((kind for kind, ok in present.items() if ok), "cpu")
    if requested not in present:
        raise InputError(f"unknown device {requested!r}; use auto, cuda, mps or cpu",
                         key="training.device")
    if not present[requested]:
        raise InputError(f"device {requested} was requested but is not available here",
                         key="training.device", hint="set training.device: auto (or cpu)")
    return requested


def visible_slots() -> list[str] | None:
    """Physical ids of the GPUs this process may see, or None when CUDA_VISIBLE_DEVICES is unset.

    SLURM may renumber the visible devices from 0 inside a job's cgroup; its SLURM_STEP_GPUS /
    SLURM_JOB_GPUS then name the physical ids, which are the ones to lock.
    """
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return None
    names = [v.strip() for v in visible.split(",") if v.strip()]
    for var in ("SLURM_STEP_GPUS", "SLURM_JOB_GPUS"):
        physical = [v.strip() for v in os.environ.get(var, "").split(",") if v.strip()]
        if len(physical) == len(names):
            return physical
    return names


@contextmanager
def acquire_device(devices: list[int], lock_dir: str, cpu_only: bool, requested: str = "auto",
                   jobs_per_device: int = 1) -> Iterator[torch.device]:
    """The torch device a job uses, with its GPU slot held while the block runs.

    CPU (or MPS) when ``cpu_only``, when asked for, or when CUDA is absent. Otherwise the job
    takes a free slot of the GPUs that CUDA_VISIBLE_DEVICES names when it is set (by SLURM
    or the user; the device is then ``cuda:<position>``), else of ``devices``.
    """
    kind = device_kind(requested, cpu_only)
    if kind != "cuda":
        log.info("running on %s", kind)
        yield torch.device(kind)
        return
    visible = visible_slots()
    if visible is None:
        count = torch.cuda.device_count()
        missing = [d for d in devices if d >= count]
        if missing:
            raise InputError(f"GPU id(s) {missing} do not exist; this machine has {count} GPU(s)",
                             key="gpus.devices", hint=f"use ids from 0 to {count - 1}")
    ids: list[Device] = list(devices) if visible is None else list(visible)
    with hold_slot(gpu_slots(ids, jobs_per_device), lock_dir) as (gpu, _):
        # Visible devices are numbered by their position in CUDA_VISIBLE_DEVICES.
        device = torch.device("cuda", ids.index(gpu) if visible is not None else int(gpu))
        torch.cuda.set_device(device)
        log.info("running on %s (%s)", device, torch.cuda.get_device_name(device))
        yield device


@contextmanager
def job_device(gpus: dict, holds_gpu: bool, requested: str = "auto") -> Iterator[torch.device]:
    """The device of a GPU-slotted job (training, attribution) while the block runs: a free
    slot of the config's ``gpus`` when the job holds a GPU (its ``gpu`` resource is 0 with
    ``gpus.cpu_only``, for CPU-only settings and under ``--resources gpu=0``), else the CPU."""
    cpu_only = gpus["cpu_only"] or not holds_gpu
    with acquire_device(gpus["devices"], gpus["lock_dir"], cpu_only, requested,
                        gpus["jobs_per_device"]) as device:
        yield device
