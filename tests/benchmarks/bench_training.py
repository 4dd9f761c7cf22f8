"""Training throughput: motifnet's tensor-batched loop vs a naive DataLoader loop, on this CPU.

Sequences per second of training (forward + backward + optimizer step) at 200 nt x 12 outputs
(multilabel), per architecture, on random data. motifnet: ``Trainer.train_epoch`` with the
default settings (batch 100, AdamW, BCE) but no gradient clipping, as the naive loop has none.
Naive: ``torch.utils.data.DataLoader`` (batch 64, shuffle, no workers) over a per-sample
Dataset, BCE loss and AdamW. Each loop runs 4 epochs; the fastest counts (the machine is
shared). A first line gives the rate of producing batches alone (no model): the ceiling each
loop sets on a fast GPU. On CPUs with native bfloat16 (AVX512-BF16 or AMX) a second motifnet
column runs the loop as the default config does (``bf16_cpu: true``), against the same
float32 naive loop.

How far from the hardware: each row also gives the achieved GFLOP/s of forward + backward
(the convolution and matrix FLOPs of one batch counted by ``torch.utils.flop_counter``) as a
fraction of this CPU's peak, measured in the same run as the rate of a large float32
``torch.matmul`` (and a bfloat16 one where the CPU has native bf16). ``--variants`` times the
other ways to run the same loop on cnn-25 and promoter_cnn: oneDNN off, and
``torch.compile`` (``--compile``; minutes of compilation on 2 cores). Conv1d models take 3-D
tensors, so channels-last (a 4-D memory format) does not apply.

    PYTHONPATH=scripts .venv/bin/python tests/benchmarks/bench_training.py --threads 2
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from torch.utils.flop_counter import FlopCounterMode

from motifnet.data.encoded import EncodedSplit
from motifnet.models.registry import build_model
from motifnet.train.loop import Trainer, mixed_precision
from motifnet.train.settings import resolve_training

LENGTH, OUTPUTS = 200, 12
REPEATS = 3  # timed epochs after a warm-up one; the fastest counts
SLOW = {"attention_net", "bigru_attention"}  # recurrent/attention models: a quarter of --n
ARCHITECTURES = {
    "koo_cnn (cnn-25)": ("koo_cnn", {"variant": "cnn-25"}),
    "koo_cnn (cnn-4)": ("koo_cnn", {"variant": "cnn-4"}),
    "deepbind": ("deepbind", {}),
    "gb_basic": ("gb_basic", {}),
    "gb_final": ("gb_final", {}),
    "promoter_cnn": ("promoter_cnn", {}),
    "promoter_net": ("promoter_net", {}),
    "attention_net": ("attention_net", {}),
    "bigru_attention": ("bigru_attention", {}),
}


class PerSample(Dataset):
    """The usual per-sample Dataset: one sequence and its labels as tensors."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x, self.y = x, y

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int):
        return torch.from_numpy(self.x[i]).float(), torch.from_numpy(self.y[i]).float()


def naive_epoch(model: torch.nn.Module, loader: DataLoader,
                optimizer: torch.optim.Optimizer) -> None:
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def batching_rate(x: np.ndarray, y: np.ndarray, repeats: int = REPEATS) -> tuple[float, float]:
    """Sequences/s of producing shuffled float batches alone (no model): motifnet vs naive.

    This is the ceiling each loop puts on a fast accelerator, where the model costs little.
    """
    tx, ty = torch.from_numpy(x), torch.from_numpy(y).float()
    loader = DataLoader(PerSample(x, y), batch_size=64, shuffle=True)
    ours = naive = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        for s in range(0, len(x), 100):
            index = order[s:s + 100]
            tx[index].float(), ty[index]
        ours = min(ours, time.perf_counter() - start)
        start = time.perf_counter()
        for _ in loader:
            pass
        naive = min(naive, time.perf_counter() - start)
    return len(x) / ours, len(x) / naive


def random_split(n: int, seed: int) -> EncodedSplit:
    rng = np.random.default_rng(seed)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (n, LENGTH))].transpose(0, 2, 1).copy()
    y = (rng.random((n, OUTPUTS)) < 0.3).astype(np.uint8)
    return EncodedSplit(x, y, np.arange(n).astype(str))


def motifnet_rate(name: str, params: dict, train: EncodedSplit, val: EncodedSplit,
                  cfg: dict, prepare=None) -> float:
    """Sequences/s of ``Trainer.train_epoch`` for a fresh model (best of the timed epochs);
    ``prepare`` may wrap the model first (e.g. ``torch.compile``)."""
    torch.manual_seed(0)
    model = build_model(name, OUTPUTS, LENGTH, params)
    trainer = Trainer(model, train, val, "multilabel", cfg, torch.device("cpu"))
    if prepare is not None:
        trainer.model = prepare(trainer.model)
    return len(train.x) / min(timed(trainer.train_epoch) for _ in range(1 + REPEATS))


def flops_per_sequence(name: str, params: dict, batch: int = 16) -> float:
    """FLOPs of forward + backward per sequence, counted on one batch."""
    model = build_model(name, OUTPUTS, LENGTH, params)
    x = torch.rand(batch, 4, LENGTH)
    with FlopCounterMode(display=False) as counter:
        model(x).sum().backward()
    return counter.get_total_flops() / batch


def matmul_peak(dtype: torch.dtype, size: int = 2048, repeats: int = 5) -> float:
    """GFLOP/s of a large square matmul on this CPU with the current threads (best of 3)."""
    a, b = torch.rand(size, size).to(dtype), torch.rand(size, size).to(dtype)
    a @ b

    def run() -> None:
        for _ in range(repeats):
            a @ b

    return 2 * size**3 * repeats / min(timed(run) for _ in range(3)) / 1e9


def variants(train: EncodedSplit, val: EncodedSplit, cfg: dict, compile_too: bool) -> None:
    """Sequences/s of the same loop run other ways, on the two CNNs users train most."""
    print("\nother ways to run the loop (sequences/s, float32)")
    for label in ("koo_cnn (cnn-25)", "promoter_cnn"):
        name, params = ARCHITECTURES[label]
        rates = {"eager (oneDNN)": motifnet_rate(name, params, train, val, cfg)}
        with torch.backends.mkldnn.flags(enabled=False):
            rates["oneDNN off"] = motifnet_rate(name, params, train, val, cfg)
        if compile_too:
            start = time.perf_counter()
            rate = motifnet_rate(name, params, train, val, cfg, torch.compile)
            rates[f"torch.compile ({time.perf_counter() - start:.0f} s with compiling)"] = rate
        print(f"{label:<20} " + ", ".join(f"{key} {rate:,.0f}" for key, rate in rates.items()),
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--n", type=int, default=1000, help="training sequences per epoch")
    parser.add_argument("--only", nargs="*", help="architecture labels to run")
    parser.add_argument("--variants", action="store_true", help="time oneDNN off (and compile)")
    parser.add_argument("--compile", action="store_true", help="with --variants: torch.compile")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    full, val = random_split(args.n, 0), random_split(10, 1)
    cfg = resolve_training({"grad_clip": 0.0}, {})
    bf16_cfg = resolve_training({"grad_clip": 0.0, "bf16_cpu": True}, {})
    bf16 = mixed_precision(bf16_cfg, torch.device("cpu")) is not None
    print(f"{args.n} sequences x {LENGTH} nt, {OUTPUTS} outputs, {args.threads} thread(s), "
          f"torch {torch.__version__}")
    ours, naive = batching_rate(full.x, full.y)
    print(f"batching alone (no model): motifnet {ours:,.0f} seq/s, naive {naive:,.0f} seq/s, "
          f"{ours / naive:.0f}x")
    peak = matmul_peak(torch.float32)
    peak_bf16 = matmul_peak(torch.bfloat16) if bf16 else None
    print(f"CPU peak (2048^3 matmul, {args.threads} thread(s)): float32 {peak:,.0f} GFLOP/s"
          + (f", bfloat16 {peak_bf16:,.0f} GFLOP/s" if bf16 else ""))
    bf16_header = f" {'bf16 seq/s':>11} {'speed-up':>9} {'of bf16 peak':>13}" if bf16 else ""
    print(f"{'architecture':<20} {'params':>9} {'seqs':>5} {'naive seq/s':>12} "
          f"{'motifnet seq/s':>15} {'speed-up':>9} {'MFLOP/seq':>10} {'GFLOP/s':>8} "
          f"{'of peak':>8}{bf16_header}")
    for label, (name, params) in ARCHITECTURES.items():
        if args.only and label not in args.only:
            continue
        n = args.n // 4 if name in SLOW else args.n
        train = EncodedSplit(full.x[:n], full.y[:n], full.ids[:n])
        ours = motifnet_rate(name, params, train, val, cfg)
        model = build_model(name, OUTPUTS, LENGTH, params)
        n_params = sum(p.numel() for p in model.parameters())
        loader = DataLoader(PerSample(train.x, train.y), batch_size=64, shuffle=True)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-5)
        naive = n / min(timed(lambda: naive_epoch(model, loader, optimizer))
                        for _ in range(1 + REPEATS))
        flops = flops_per_sequence(name, params)
        row = (f"{label:<20} {n_params:>9,} {n:>5} {naive:>12,.0f} {ours:>15,.0f} "
               f"{ours / naive:>8.2f}x {flops / 1e6:>10.1f} {flops * ours / 1e9:>8.1f} "
               f"{flops * ours / 1e9 / peak:>8.0%}")
        if bf16:
            fast = motifnet_rate(name, params, train, val, bf16_cfg)
            row += (f" {fast:>11,.0f} {fast / naive:>8.2f}x "
                    f"{flops * fast / 1e9 / peak_bf16:>13.0%}")
        print(row, flush=True)
    if args.variants:
        variants(EncodedSplit(full.x, full.y, full.ids), val, cfg, args.compile)


if __name__ == "__main__":
    main()
