"""Peaks of a real motif on a real genome: the example narrowPeak of config/peaks_example.yaml.

The E. coli 536 genome of Debian's bowtie-examples is scanned for JASPAR's CTCF matrix
(MA0139.2, JASPAR2024) with memelite's FIMO (p < 1e-4, both strands); every hit becomes a peak
of random width around it with its summit a few bases from the motif centre, written as an
ENCODE-style narrowPeak (signalValue the FIMO score, pValue its -log10). A model trained on
these peaks against GC-matched background must learn CTCF.

The two-class example (config/two_class_example.yaml) adds the hits of JASPAR's REST matrix
(MA0138.3) on the same genome: one BED of 200-bp windows centred on the summits per TF
(config/data/ecoli_two_tf/), CTCF labelled 1 and REST labelled 0, so that the negatives are a
real class with a motif of its own.

Regenerate the shipped files (deterministic):

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
TWO_TF = {"CTCF": MOTIF, "REST": "MA0138.3"}
TWO_TF_FOLDER = REPO / "config" / "data" / "ecoli_two_tf"
WINDOW = 200


def scan_peaks(genome: str | Path, seed: int = 0, motif_id: str = MOTIF,
               name: str = "ctcf") -> pd.DataFrame:
    """narrowPeak rows (chrom, start, end, name, score, strand, signal, p, q, summit offset)."""
    from memelite import fimo

    from motifnet.motifs.database import fetch_jaspar

    motif = next(m for m in fetch_jaspar("JASPAR2024", "CORE", "vertebrates")
                 if m.id == motif_id)
    hits = fimo({motif_id: motif.pfm.T}, str(genome), threshold=THRESHOLD)[0]
    hits = hits.sort_values(["sequence_name", "start"]).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    centre = (hits["start"] + hits["end"]).to_numpy() // 2
    summit = centre + rng.integers(-5, 6, len(hits))
    width = rng.integers(150, 501, len(hits))
    left = (width * rng.uniform(0.3, 0.7, len(hits))).astype(int)
    start = np.maximum(summit - left, 0)
    return pd.DataFrame({
        "chrom": hits["sequence_name"].str.split().str[0], "start": start,
        "end": start + width, "name": [f"{name}_{i + 1}" for i in range(len(hits))],
        "score": np.minimum(1000, (hits["score"] * 40).astype(int)), "strand": ".",
        "signal": hits["score"].round(3), "p": (-np.log10(hits["p-value"])).round(3),
        "q": -1, "summit": summit - start})


def write_example(peaks: pd.DataFrame, path: str | Path) -> None:
    """Gzipped narrowPeak, byte-identical for identical peaks."""
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(peaks.to_csv(sep="\t", header=False, index=False).encode())


def summit_bed(peaks: pd.DataFrame, sizes: dict[str, int]) -> pd.DataFrame:
    """BED6 windows of :data:`WINDOW` bp centred on the summits (those inside the genome)."""
    start = peaks["start"] + peaks["summit"] - WINDOW // 2
    bed = pd.DataFrame({"chrom": peaks["chrom"], "start": start, "end": start + WINDOW,
                        "name": peaks["name"], "score": 0, "strand": "+"})
    return bed[(bed["start"] >= 0) & (bed["end"] <= bed["chrom"].map(sizes))]


def two_tf_beds(genome: str | Path) -> dict[str, pd.DataFrame]:
    """Per TF of :data:`TWO_TF`, the windows of its hits (seeds 0, 1)."""
    from motifnet.data.extract import read_chrom_sizes

    sizes = read_chrom_sizes(f"{genome}.fai")
    return {tf: summit_bed(scan_peaks(genome, seed, motif, tf.lower()), sizes)
            for seed, (tf, motif) in enumerate(TWO_TF.items())}


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
    TWO_TF_FOLDER.mkdir(parents=True, exist_ok=True)
    for tf, bed in two_tf_beds(fasta).items():
        write_example(bed, TWO_TF_FOLDER / f"{tf}.bed.gz")
        print(f"wrote {TWO_TF_FOLDER / tf}.bed.gz ({len(bed)} windows)")
