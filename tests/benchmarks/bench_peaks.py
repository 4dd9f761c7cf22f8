"""Benchmark: GC-matched negatives, how well they match and how fast they are drawn.

Run: PYTHONPATH=scripts .venv/bin/python tests/benchmarks/bench_peaks.py

1. Matching, on real data: the E. coli CTCF peaks of config/peaks_example.yaml. The
   Kolmogorov-Smirnov statistic between the positives' GC content and that of GC-matched
   negatives, beside the same statistic for as many uniformly random windows of the genome.
2. Speed and memory: negatives for 100,000 peaks on a simulated 300 Mb genome (12 chromosomes
   of 25 Mb with varying GC content and runs of N), drawn in a child process whose peak
   resident memory is read back; beside a naive rejection sampler (random windows read with
   pyfaidx until one falls in the positive's GC bin away from every peak), timed on 1,000
   peaks in the same run and scaled to 100,000.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from motifnet.data.extract import read_chrom_sizes  # noqa: E402
from motifnet.data.gc import fraction, gc_counts, gc_fraction, ks_statistic  # noqa: E402
from motifnet.data.genome import chromosome_codes, prepare_genome  # noqa: E402

ECOLI = Path("/usr/share/doc/bowtie/examples/genomes/NC_008253.fna.gz")
EXAMPLE = REPO / "config" / "data" / "ecoli_ctcf.narrowPeak.gz"
LENGTH = 200
N_PEAKS = 100_000
CHROMOSOMES, CHROM_SIZE = 12, 25_000_000


def bench_matching() -> None:
    from motifnet.data.from_peaks import peak_sequences

    with tempfile.TemporaryDirectory() as tmp:
        fasta = Path(tmp) / "ecoli.fa"
        prepare_genome(ECOLI, fasta)
        spec = {"files": {"CTCF": str(EXAMPLE)}, "format": "auto", "summit": True,
                "negatives": {"kind": "gc_matched", "ratio": 1, "exclude_flank": 500,
                              "max_n_fraction": 0.1, "gc_bin_width": 0.01, "seed": 1}}
        table, _, _ = peak_sequences(spec, fasta, f"{fasta}.fai", task="binary", length=LENGTH,
                                     resize="center", max_dropped_fraction=0.01)
        gc = gc_fraction(table["sequence"].tolist())
        positive = table["y:CTCF"].to_numpy() == 1
        chrom, size = next(iter(read_chrom_sizes(f"{fasta}.fai").items()))
        codes = chromosome_codes(fasta, f"{fasta}.fai", chrom)
        rng = np.random.default_rng(0)
        starts = rng.integers(0, size - LENGTH, positive.sum())
        uniform = fraction(*gc_counts(np.stack([codes[s:s + LENGTH] for s in starts])))
    print(f"GC matching on E. coli CTCF peaks ({positive.sum()} positives, {LENGTH} bp): "
          "two-sample KS statistic of GC content, positives vs")
    matched = ks_statistic(gc[positive], gc[~positive])
    print(f"  GC-matched negatives (gc_bin_width 0.01)   {matched:.4f}")
    print(f"  uniformly random genomic windows           {ks_statistic(gc[positive], uniform):.4f}")


def simulate_genome(path: Path) -> None:
    """12 x 25 Mb of DNA whose GC content drifts along each chromosome, with runs of N; and
    its .fai (60 bases a line)."""
    rng = np.random.default_rng(0)
    offset = 0
    with open(path, "wb") as out, open(f"{path}.fai", "w") as fai:
        for i in range(CHROMOSOMES):
            name = f"chr{i + 1}".encode()
            out.write(b">" + name + b"\n")
            offset += len(name) + 2
            level = 0.35 + 0.3 * i / (CHROMOSOMES - 1)
            drift = np.repeat(rng.normal(0, 0.05, CHROM_SIZE // 10_000), 10_000)
            gc = rng.random(CHROM_SIZE) < np.clip(level + drift, 0.05, 0.95)
            strong = rng.random(CHROM_SIZE) < 0.5
            codes = np.where(gc, np.where(strong, ord("G"), ord("C")),
                             np.where(strong, ord("A"), ord("T"))).astype(np.uint8)
            for start in rng.integers(0, CHROM_SIZE - 200_000, 5):
                codes[start:start + 200_000] = ord("N")
            full = CHROM_SIZE // 60
            lines = np.full((full, 61), ord("\n"), dtype=np.uint8)
            lines[:, :60] = codes[:full * 60].reshape(full, 60)
            rest = codes[full * 60:]
            raw = lines.tobytes() + (rest.tobytes() + b"\n" if len(rest) else b"")
            out.write(raw)
            fai.write(f"chr{i + 1}\t{CHROM_SIZE}\t{offset}\t60\t61\n")
            offset += len(raw)


def simulate_peaks(fasta: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """100,000 positive windows, more in GC-rich chromosomes, none holding N; their GC
    content."""
    rng = np.random.default_rng(1)
    weights = np.linspace(1, 3, CHROMOSOMES)
    chroms = rng.choice(CHROMOSOMES, int(N_PEAKS * 1.1), p=weights / weights.sum())
    frames, gcs = [], []
    for i in range(CHROMOSOMES):
        codes = chromosome_codes(fasta, f"{fasta}.fai", f"chr{i + 1}")
        starts = rng.integers(0, CHROM_SIZE - LENGTH, (chroms == i).sum())
        windows = np.stack([codes[s:s + LENGTH] for s in starts])
        gc, acgt = gc_counts(windows)
        keep = acgt == LENGTH
        frames.append(pd.DataFrame({"chrom": f"chr{i + 1}", "start": starts[keep]}))
        gcs.append(fraction(gc[keep], acgt[keep]))
    positives = pd.concat(frames, ignore_index=True)
    positives["end"] = positives["start"] + LENGTH
    keep = np.sort(rng.choice(len(positives), N_PEAKS, replace=False))
    return positives.iloc[keep].reset_index(drop=True), np.concatenate(gcs)[keep]


def measure(folder: str) -> None:
    """Child process: draw the negatives, print seconds and peak memory as JSON."""
    from motifnet.data.negatives import GCMatching, gc_matched

    folder_path = Path(folder)
    fasta = folder_path / "genome.fa"
    positives = pd.read_csv(folder_path / "positives.tsv", sep="\t")
    gc = np.load(folder_path / "gc.npy")
    peaks = positives.assign(start=positives["start"] - 100, end=positives["end"] + 100)
    start = time.perf_counter()
    drawn = gc_matched(positives, gc, fasta=fasta, fai=f"{fasta}.fai",
                       sizes=read_chrom_sizes(f"{fasta}.fai"), peaks=peaks, blacklist=None,
                       settings=GCMatching(length=LENGTH, ratio=1, exclude_flank=500,
                                           max_n_fraction=0.1, gc_bin_width=0.01, seed=1))
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "drawn": len(drawn.frame),
                      "ks": ks_statistic(gc, drawn.record["gc"]),
                      "same": drawn.record["same_chromosome_and_bin"]}))


def naive_negatives(fasta: Path, positives: pd.DataFrame, gc: np.ndarray, n: int) -> float:
    """Seconds to draw negatives for the first ``n`` positives by rejection: random windows
    read with pyfaidx until one is in the positive's GC bin, N-poor and away from peaks."""
    from pyfaidx import Fasta

    genome = Fasta(str(fasta))
    rng = np.random.default_rng(2)
    by_chrom = {c: np.sort(g["start"].to_numpy()) for c, g in positives.groupby("chrom")}
    start = time.perf_counter()
    for target in gc[:n]:
        while True:
            chrom = f"chr{rng.integers(1, CHROMOSOMES + 1)}"
            pos = int(rng.integers(0, CHROM_SIZE - LENGTH))
            near = by_chrom[chrom]
            i = np.searchsorted(near, pos)
            if any(abs(pos - near[j]) < LENGTH + 1000 for j in (i - 1, i) if 0 <= j < len(near)):
                continue
            seq = genome[chrom][pos:pos + LENGTH].seq.upper()
            if seq.count("N") > 0.1 * LENGTH:
                continue
            acgt = LENGTH - seq.count("N")
            if int((seq.count("G") + seq.count("C")) / acgt / 0.01) == int(target / 0.01):
                break
    return time.perf_counter() - start


def bench_speed() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fasta = folder / "genome.fa"
        start = time.perf_counter()
        simulate_genome(fasta)
        positives, gc = simulate_peaks(fasta)
        positives.to_csv(folder / "positives.tsv", sep="\t", index=False)
        np.save(folder / "gc.npy", gc)
        print(f"\nsimulated {CHROMOSOMES * CHROM_SIZE / 1e6:.0f} Mb genome and "
              f"{len(positives):,} peaks in {time.perf_counter() - start:.1f} s")
        child = subprocess.run([sys.executable, __file__, "--measure", str(folder)],
                               capture_output=True, text=True, check=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        naive = naive_negatives(fasta, positives, gc, 1000)
    print(f"GC-matched negatives for {len(positives):,} peaks of {LENGTH} bp "
          f"(ratio 1, exclude_flank 500, gc_bin_width 0.01):")
    print(f"  motifnet.data.negatives.gc_matched   {result['seconds']:8.1f} s   peak memory "
          f"{result['peak_mb']:,.0f} MB   KS {result['ks']:.4f}   "
          f"{result['same']:,} of {result['drawn']:,} in the positive's chromosome and bin")
    print(f"  naive rejection sampler (pyfaidx)    {naive * len(positives) / 1000:8.1f} s   "
          f"(measured on 1,000 peaks: {naive:.1f} s, scaled)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        measure(sys.argv[2])
    else:
        if ECOLI.exists():
            bench_matching()
        else:
            print(f"skipping the E. coli matching: {ECOLI} missing (scripts/setup.sh --dev)")
        bench_speed()
