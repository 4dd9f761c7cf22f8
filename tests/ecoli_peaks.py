"""Peaks of a real motif on a real genome: the example narrowPeak of config/peaks_example.yaml.

The E. coli 536 genome of Debian's bowtie-examples is scanned for JASPAR's CTCF matrix
(MA0139.2, JASPAR2024) with memelite's FIMO (p < 1e-4, both strands); every hit becomes a peak
of random width around it with its summit a few bases from the motif centre, written as an
ENCODE-style narrowPeak (signalValue the FIMO score, pValue its -log10). A model trained on
these peaks against GC-matched background must learn CTCF.

Regenerate the shipped file (deterministic):

    PYTHONPATH=scripts .venv/bin/python tests/ecoli_peaks.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
ECOLI = Path("/usr/share/doc/bowtie/examples/genomes/NC_008253.fna.gz")
EXAMPLE = REPO / "config" / "data" / "ecoli_ctcf.narrowPeak.gz"
MOTIF = "MA0139.2"
THRESHOLD = 1e-4


def scan_peaks(genome: str | Path, seed: int = 0) -> pd.DataFrame:
    """narrowPeak rows (chrom, start, end, name, score, strand, signal, p, q, summit offset)."""
    from memelite import fimo

    from motifnet.motifs.database import fetch_jaspar

    motif = next(m for m in fetch_jaspar("JASPAR2024", "CORE", "vertebrates") if m.id == MOTIF)
    hits = fimo({MOTIF: motif.pfm.T}, str(genome), threshold=THRESHOLD)[0]
    hits = hits.sort_values(["sequence_name", "start"]).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    centre = (hits["start"] + hits["end"]).to_numpy() // 2
    summit = centre + rng.integers(-5, 6, len(hits))
    width = rng.integers(150, 501, len(hits))
    left = (width * rng.uniform(0.3, 0.7, len(hits))).astype(int)
    start = np.maximum(summit - left, 0)
    return pd.DataFrame({
        "chrom": hits["sequence_name"].str.split().str[0], "start": start,
        "end": start + width, "name": [f"ctcf_{i + 1}" for i in range(len(hits))],
        "score": np.minimum(1000, (hits["score"] * 40).astype(int)), "strand": ".",
        "signal": hits["score"].round(3), "p": (-np.log10(hits["p-value"])).round(3),
        "q": -1, "summit": summit - start})


def write_example(peaks: pd.DataFrame, path: str | Path) -> None:
    """Gzipped narrowPeak, byte-identical for identical peaks."""
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(peaks.to_csv(sep="\t", header=False, index=False).encode())


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "scripts"))
    from motifnet.data.genome import prepare_genome

    fasta = REPO / "resources" / "genomes" / "ecoli" / "genome.fa"
    if not fasta.exists():
        fasta.parent.mkdir(parents=True, exist_ok=True)
        prepare_genome(ECOLI, fasta)
    EXAMPLE.parent.mkdir(parents=True, exist_ok=True)
    write_example(scan_peaks(fasta), EXAMPLE)
    print(f"wrote {EXAMPLE}")
