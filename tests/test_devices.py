"""GPU slot locks: never two holders of a slot; a killed holder frees its slot."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest
import torch

from motifnet.errors import InputError
from motifnet.train.devices import (
    acquire_device,
    device_kind,
    gpu_slots,
    hold_slot,
    job_device,
    lock_path,
    visible_slots,
)

# fork: children inherit the imported modules; they only take file locks (no torch work).
CTX = multiprocessing.get_context("fork")


def _worker(slots, lock_dir, hold, queue):
    with hold_slot(slots, lock_dir, poll=0.01) as slot:
        start = time.monotonic()
        time.sleep(hold)
        end = time.monotonic()
    queue.put((os.getpid(), slot, start, end))


def test_never_two_holders_of_one_slot(tmp_path):
    slots, n_jobs = gpu_slots([0, 1]), 6
    queue = CTX.Queue()
    jobs = [CTX.Process(target=_worker, args=(slots, tmp_path, 0.15, queue), daemon=True)
            for _ in range(n_jobs)]
    for job in jobs:
        job.start()
    records = [queue.get(timeout=30) for _ in jobs]
    for job in jobs:
        job.join(timeout=10)
        assert job.exitcode == 0
    assert {slot for _, slot, _, _ in records} == set(slots)
    for slot in slots:
        spans = sorted((start, end) for _, s, start, end in records if s == slot)
        for (_, end), (next_start, _) in zip(spans, spans[1:]):
            assert end <= next_start, f"slot {slot} held twice at once: {spans}"
    # With 6 jobs of 0.15 s on 2 slots, each slot served 3 jobs in turn.
    assert sorted(sum(1 for _, s, _, _ in records if s == slot) for slot in slots) == [3, 3]


def _holder(lock_dir, ready):
    with hold_slot(gpu_slots([0]), lock_dir):
        ready.set()
        time.sleep(600)


def test_killed_holder_frees_its_slot(tmp_path):
    ready, queue = CTX.Event(), CTX.Queue()
    holder = CTX.Process(target=_holder, args=(tmp_path, ready), daemon=True)
    waiter = CTX.Process(target=_worker, args=(gpu_slots([0]), tmp_path, 0.0, queue), daemon=True)
    try:
        holder.start()
        assert ready.wait(timeout=10)
        assert lock_path(tmp_path, (0, 0)).read_text().strip() == str(holder.pid)
        waiter.start()
        time.sleep(0.5)
        assert queue.empty(), "the waiter took a slot that was held"
        killed_at = time.monotonic()
        os.kill(holder.pid, signal.SIGKILL)
        _, slot, start, _ = queue.get(timeout=10)
        assert slot == (0, 0) and start >= killed_at and start - killed_at < 2
    finally:
        for process in (holder, waiter):
            if process.is_alive():
                process.kill()
            process.join(timeout=10)


def test_slot_is_free_again_after_the_block(tmp_path):
    with hold_slot(gpu_slots([3, 4]), tmp_path) as first:
        with hold_slot(gpu_slots([3, 4]), tmp_path) as second:
            assert (first, second) == ((3, 0), (4, 0))
    with hold_slot(gpu_slots([3, 4]), tmp_path) as again:
        assert again == (3, 0)


def _claimant(slots, lock_dir, log):
    """Hold a slot until every slot has been taken once (or 20 s), so that all six are held
    together however slowly the claimants start on a loaded machine."""
    with hold_slot(slots, lock_dir, poll=0.01) as (device, _):
        with open(log, "a") as handle:
            handle.write(f"+{device} {time.monotonic()}\n")
        deadline = time.monotonic() + 20
        while (log.read_text().count("+") < len(slots) and time.monotonic() < deadline):
            time.sleep(0.01)
        with open(log, "a") as handle:
            handle.write(f"-{device} {time.monotonic()}\n")


def test_several_jobs_share_a_device_up_to_jobs_per_device(tmp_path):
    """2 devices x 3 slots, 10 claimants at once: never more than 3 holders of a device, and
    never a holder of a device outside the list."""
    slots = gpu_slots([0, 1], jobs_per_device=3)
    assert slots == [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (1, 2)]
    log = tmp_path / "events.log"
    jobs = [CTX.Process(target=_claimant, args=(slots, tmp_path / "locks", log), daemon=True)
            for _ in range(10)]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join(timeout=60)
        assert job.exitcode == 0
    events = sorted((float(t), entry) for entry, t in
                    (line.split() for line in log.read_text().splitlines()))
    holders = {"0": 0, "1": 0}
    peak = {"0": 0, "1": 0}
    for _, entry in events:
        device = entry[1:]
        assert device in holders, entry
        holders[device] += 1 if entry[0] == "+" else -1
        peak[device] = max(peak[device], holders[device])
    assert max(peak.values()) <= 3 and sum(peak.values()) == 6  # all six slots were used
    assert sum(1 for _, entry in events if entry[0] == "+") == 10


def test_empty_slot_list_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="gpus.devices"):
        with hold_slot([], tmp_path):
            pass


def test_cpu_choices(tmp_path):
    with acquire_device([0], str(tmp_path), cpu_only=True, requested="auto") as device:
        assert device == torch.device("cpu")
    assert device_kind("cpu", cpu_only=False) == "cpu"
    if not torch.cuda.is_available():
        assert device_kind("auto", cpu_only=False) in ("cpu", "mps")
        with pytest.raises(InputError, match="training.device"):
            device_kind("cuda", cpu_only=False)


def test_a_job_without_a_gpu_slot_takes_no_lock(tmp_path):
    gpus = {"devices": [0], "lock_dir": str(tmp_path), "cpu_only": False, "jobs_per_device": 1}
    for holds_gpu, cpu_only in ((False, False), (True, True)):
        with job_device({**gpus, "cpu_only": cpu_only}, holds_gpu) as device:
            assert device == torch.device("cpu")
    assert not list(tmp_path.rglob("*.lock"))


def test_visible_slots_name_physical_ids(monkeypatch):
    monkeypatch.delenv("SLURM_STEP_GPUS", raising=False)
    monkeypatch.delenv("SLURM_JOB_GPUS", raising=False)
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert visible_slots() is None
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")
    assert visible_slots() == ["2", "3"]
    # SLURM renumbers the job's GPUs from 0 in its cgroup; the physical ids are what to lock.
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    monkeypatch.setenv("SLURM_JOB_GPUS", "5")
    assert visible_slots() == ["5"]
