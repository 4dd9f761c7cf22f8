"""Benchmark: one-hot encoding throughput and bedtools extraction of 100,000 intervals.

Run: .venv/bin/python tests/benchmarks/bench_data.py
Prints MB of sequence per second for motifnet's encoder, a naive per-base Python loop and a
plain memory copy of the same bytes, all measured in this run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from motifnet.data.extract import extract, read_chrom_sizes  # noqa: E402
from motifnet.data.genome import prepare_genome  # noqa: E402
from motifnet.data.onehot import encode  # noqa: E402

ECOLI = Path("/usr/share/doc/bowtie/examples/genomes/NC_008253.fna.gz")


def best_of(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def naive_encode(sequences: list[str]) -> np.ndarray:
    index = {"A": 0, "C": 1, "G": 2, "T": 3, "a": 0, "c": 1, "g": 2, "t": 3}
    out = np.zeros((len(sequences), 4, len(sequences[0])), dtype=np.float32)
    for i, seq in enumerate(sequences):
        for j, base in enumerate(seq):
            channel = index.get(base)
            if channel is not None:
                out[i, channel, j] = 1.0
    return out


def bench_encoding() -> None:
    rng = np.random.default_rng(0)
    n, length = 20_000, 200
    letters = np.frombuffer(b"ACGTN", dtype=np.uint8)
    raw = letters[rng.integers(0, 5, size=n * length)].tobytes()
    sequences = [raw[i * length:(i + 1) * length].decode() for i in range(n)]
    megabytes = n * length / 1e6
    source = np.frombuffer(raw, dtype=np.uint8)
    copy_s = best_of(lambda: source.copy())
    rows = [("memory copy of the sequence bytes", copy_s)]
    for dtype in (np.uint8, np.float32):
        output = np.ones(n * 4 * length, dtype=dtype)
        rows.append((f"memory copy of the output bytes ({np.dtype(dtype).name})",
                     best_of(lambda: output.copy())))
        rows.append((f"motifnet.data.onehot.encode ({np.dtype(dtype).name})",
                     best_of(lambda: encode(sequences, dtype))))
    few = sequences[:2000]
    naive_s = best_of(lambda: naive_encode(few), repeats=1) * (n / len(few))
    rows.append(("naive per-base Python loop (float32)", naive_s))
    print(f"One-hot encoding of {n:,} x {length} nt ({megabytes:.1f} MB of sequence)")
    print(f"{'method':45s} {'seconds':>9s} {'MB/s':>9s} {'x copy':>8s}")
    for name, seconds in rows:
        print(f"{name:45s} {seconds:9.4f} {megabytes / seconds:9.1f} {seconds / copy_s:8.1f}")


def bench_extraction() -> None:
    if not ECOLI.exists():
        print(f"skipping extraction: {ECOLI} missing (scripts/setup.sh --dev)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        fasta = Path(tmp) / "ecoli.fa"
        prepare_genome(ECOLI, fasta)
        chrom, size = next(iter(read_chrom_sizes(f"{fasta}.fai").items()))
        rng = np.random.default_rng(0)
        n = 100_000
        starts = rng.integers(0, size - 300, size=n)
        frame = pd.DataFrame({"chrom": chrom, "start": starts, "end": starts + 200,
                              "strand": np.where(rng.random(n) < 0.5, "+", "-"),
                              "id": np.arange(n).astype(str), "source": "bench"})
        start = time.perf_counter()
        result = extract(fasta, f"{fasta}.fai", frame, 200, "center", 0.0, "bench")
        seconds = time.perf_counter() - start
        print(f"\nExtraction of {len(result.kept):,} intervals x 200 nt (bedtools getfasta, "
              f"strand-aware, bounds-checked): {seconds:.2f} s")


if __name__ == "__main__":
    bench_encoding()
    bench_extraction()
