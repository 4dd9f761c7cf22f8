"""GPU training speed: motifnet's loop beside a naive DataLoader loop, memory and utilisation,
and several small models sharing one GPU. Needs a CUDA device (prints so and stops without).

1. promoter_cnn seconds per epoch at the size of seed 000's human_nontata_promoters training
   set (27,097 x 251 nt, binary; random data), batch 64 as in the seed and larger batches,
   float32 and float16 autocast: motifnet's ``Trainer.train_epoch`` (data moved to the GPU
   once, batches are index slices) beside a naive loop (``DataLoader`` over a per-sample
   Dataset, pinned memory, batches copied to the GPU), the same model, optimizer and loss,
   no gradient clipping in either. A warm-up epoch, then the best of 3.
2. Peak GPU memory and GPU utilisation (NVML, sampled every 20 ms) during an epoch of cnn-25
   (17,500 x 200 nt, 12 outputs, batch 100: the default config's training set) and of
   promoter_cnn.
3. K processes each training cnn-25 at once on one GPU (``gpus.jobs_per_device``): the
   sequences per second of all of them together, for K = 1, 4 and 8.

    PYTHONPATH=scripts python3 tests/benchmarks/bench_gpu.py
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import threading
import time

import numpy as np
import torch
from bench_training import PerSample
from torch.utils.data import DataLoader

from motifnet.data.encoded import EncodedSplit
from motifnet.models.registry import build_model
from motifnet.train.loop import Trainer
from motifnet.train.settings import resolve_training

REPEATS = 3
PROMOTERS = (27_097, 251, 1)  # sequences, length, outputs (seed 000)
SYNTHETIC = (17_500, 200, 12)  # the default config's training split


def random_split(n: int, length: int, outputs: int, seed: int) -> EncodedSplit:
    rng = np.random.default_rng(seed)
    x = np.eye(4, dtype=np.uint8)[rng.integers(0, 4, (n, length))].transpose(0, 2, 1).copy()
    y = (rng.random((n, outputs)) < 0.3).astype(np.uint8)
    return EncodedSplit(x, y, np.arange(n).astype(str))


def settings(batch: int, amp: bool) -> dict:
    return resolve_training({"batch_size": batch, "amp": amp, "grad_clip": 0.0}, {})


def best_epoch(run) -> float:
    """Seconds of the fastest of REPEATS epochs after a warm-up one."""
    run()
    times = []
    for _ in range(REPEATS):
        torch.cuda.synchronize()
        start = time.perf_counter()
        run()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return min(times)


def naive_epoch_seconds(model: torch.nn.Module, data: EncodedSplit, batch: int,
                        amp: bool) -> float:
    device = torch.device("cuda")
    model = model.to(device)
    loader = DataLoader(PerSample(data.x, data.y), batch_size=batch, shuffle=True,
                        pin_memory=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-5)
    scaler = torch.amp.GradScaler("cuda", enabled=amp)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def epoch() -> None:
        model.train()
        for xb, yb in loader:
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
            with torch.autocast("cuda", dtype=torch.float16, enabled=amp):
                loss = loss_fn(model(xb).float(), yb)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()

    return best_epoch(epoch)


def trainer(name: str, params: dict, data: EncodedSplit, val: EncodedSplit, cfg: dict,
            task: str) -> Trainer:
    torch.manual_seed(0)
    n_outputs = data.y.shape[1]
    model = build_model(name, n_outputs, data.x.shape[-1], params)
    return Trainer(model, data, val, task, cfg, torch.device("cuda"))


class Utilisation:
    """GPU utilisation (NVML, %) sampled in a thread while the block runs: mean and max."""

    def __init__(self, every: float = 0.02) -> None:
        self.every, self.samples, self._stop = every, [], threading.Event()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append(torch.cuda.utilization())
            except Exception:  # no NVML (nvidia-ml-py) on this machine: nothing to sample
                return
            time.sleep(self.every)

    def __enter__(self) -> Utilisation:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        if not self.samples:
            return "n/a"
        return f"{np.mean(self.samples):.0f}% mean, {max(self.samples)}% max"


def speed_table(batches: list[int]) -> None:
    n, length, outputs = PROMOTERS
    data, val = random_split(n, length, outputs, 0), random_split(512, length, outputs, 1)
    print(f"\npromoter_cnn, {n:,} x {length} nt, binary; seconds per epoch (best of {REPEATS})")
    print(f"{'batch':>6} {'precision':>10} {'naive':>9} {'motifnet':>9} {'speed-up':>9}")
    fastest = (math.inf, None)
    for batch in batches:
        for amp in (False, True):
            ours = best_epoch(trainer("promoter_cnn", {}, data, val, settings(batch, amp),
                                      "binary").train_epoch)
            torch.manual_seed(0)
            naive = naive_epoch_seconds(build_model("promoter_cnn", outputs, length), data,
                                        batch, amp)
            label = "float16" if amp else "float32"
            print(f"{batch:>6} {label:>10} {naive:>9.3f} {ours:>9.3f} {naive / ours:>8.1f}x",
                  flush=True)
            fastest = min(fastest, (ours, f"batch {batch}, {label}"))
    print(f"fastest motifnet epoch: {fastest[0]:.3f} s ({fastest[1]})")


def memory_and_utilisation(batches: list[int]) -> None:
    print("\npeak GPU memory and utilisation during one epoch")
    cases = [("cnn-25", "koo_cnn", {"variant": "cnn-25"}, SYNTHETIC, "multilabel", 100)]
    cases += [("promoter_cnn", "promoter_cnn", {}, PROMOTERS, "binary", b) for b in batches]
    for label, name, params, (n, length, outputs), task, batch in cases:
        data, val = random_split(n, length, outputs, 0), random_split(512, length, outputs, 1)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
        run = trainer(name, params, data, val, settings(batch, True), task)
        run.train_epoch()
        with Utilisation() as busy:
            torch.cuda.synchronize()
            start = time.perf_counter()
            run.train_epoch()
            torch.cuda.synchronize()
            seconds = time.perf_counter() - start
        peak = torch.cuda.max_memory_allocated() / 2**20
        print(f"{label:<13} batch {batch:>5}: {seconds:.3f} s/epoch, peak {peak:,.0f} MiB, "
              f"utilisation {busy.summary()}", flush=True)
        del run


def _worker(epochs: int, barrier, queue) -> None:
    n, length, outputs = SYNTHETIC
    data, val = random_split(n, length, outputs, 0), random_split(512, length, outputs, 1)
    run = trainer("koo_cnn", {"variant": "cnn-25"}, data, val, settings(100, True),
                  "multilabel")
    run.train_epoch()  # warm-up: CUDA context, kernels chosen
    torch.cuda.synchronize()
    barrier.wait()
    start = time.time()
    for _ in range(epochs):
        run.train_epoch()
    torch.cuda.synchronize()
    queue.put((start, time.time(), epochs * n))


def shared_gpu(counts: list[int], epochs: int = 2) -> None:
    print("\nK cnn-25 trainings at once on one GPU (batch 100, float16), all together")
    context = multiprocessing.get_context("spawn")
    single = None
    for k in counts:
        barrier, queue = context.Barrier(k), context.Queue()
        workers = [context.Process(target=_worker, args=(epochs, barrier, queue))
                   for _ in range(k)]
        for worker in workers:
            worker.start()
        spans = [queue.get(timeout=600) for _ in workers]
        for worker in workers:
            worker.join()
        wall = max(end for _, end, _ in spans) - min(start for start, _, _ in spans)
        rate = sum(seqs for _, _, seqs in spans) / wall
        single = single or rate
        print(f"K = {k}: {rate:,.0f} seq/s together ({rate / single:.1f}x one job), "
              f"{wall:.1f} s for {epochs} epochs each", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[64, 512, 2048])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA device: nothing measured")
        return
    print(f"{torch.cuda.get_device_name(0)}, torch {torch.__version__}, CUDA {torch.version.cuda}")
    speed_table(args.batches)
    memory_and_utilisation(args.batches[1:])
    shared_gpu(args.jobs)


if __name__ == "__main__":
    main()
