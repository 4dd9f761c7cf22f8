"""Koo & Eddy (2019) synthetic data: JASPAR motifs embedded in uniform random DNA.

Each sequence gets 1-5 motifs drawn with replacement from a pool of TF motifs, each sampled
base by base from its position probability matrix, forward or reverse complement, placed with
at least one random base between motifs and from the sequence ends. The output looks the way
real data arrives: a genome FASTA (regions laid on chromosomes with random spacers, some on the
minus strand), a BED of regions with one 0/1 label column per TF, and a BED of every embedded
motif instance as ground truth. The instances of one TF also make a narrowPeak
(:func:`motif_peaks`), so that peaks datasets can be built and checked on the same genome.

For a regression task (the ``values`` block) the label columns hold a number per TF instead:
the sequence's count of embedded instances of that TF times the TF's effect, plus Gaussian
noise (:func:`target_values`); the sequences and instances are those of the 0/1 design.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..io import atomic_write
from .extract import read_chrom_sizes
from .genome import index_fasta
from .peaks import write_narrowpeak

log = logging.getLogger(__name__)

BASES = np.frombuffer(b"ACGT", dtype=np.uint8)
COMPLEMENT = bytes.maketrans(b"ACGT", b"TGCA")


@dataclass
class PoolMotif:
    """A TF motif of the pool: name, JASPAR matrix id and probabilities (W, 4)."""

    name: str
    matrix_id: str
    probabilities: np.ndarray


@dataclass
class Instance:
    """One embedded motif: start in the region, motif index, strand, bases in motif orientation."""

    region: int
    start: int
    motif: int
    strand: str
    bases: bytes


def jaspar_pool(motifs: dict[str, str], release: str) -> list[PoolMotif]:
    """Fetch each TF's latest matrix version of the given base id from pyjaspar (offline)."""
    from pyjaspar import jaspardb

    if release not in jaspardb().get_releases():
        raise InputError(f"unknown JASPAR release '{release}'", key="synthetic.jaspar_release",
                         hint=f"use one of {jaspardb().get_releases()}")
    database = jaspardb(release=release)
    pool = []
    for name, base_id in motifs.items():
        motif = database.fetch_motif_by_id(base_id)
        if motif is None:
            raise InputError(f"JASPAR {release} has no matrix {base_id} (for {name})",
                             key="synthetic.motifs", hint="give a base id present in that release")
        counts = np.array([motif.counts[b] for b in "ACGT"], dtype=float).T
        pool.append(PoolMotif(name, motif.matrix_id, counts / counts.sum(axis=1, keepdims=True)))
    return pool


def _layout(rng: np.random.Generator, widths: np.ndarray, length: int) -> np.ndarray:
    """Start positions for motifs of ``widths`` in order, >= 1 free base around each.

    The free bases beyond the mandatory ones are spread over the gaps as a uniform random
    composition, so every valid layout of this order is equally likely.
    """
    slack = length - widths.sum() - (len(widths) + 1)
    cuts = np.sort(rng.integers(0, slack + 1, size=len(widths)))
    extra = np.diff(np.concatenate([[0], cuts]))
    gaps = 1 + extra
    return np.cumsum(gaps) + np.concatenate([[0], np.cumsum(widths)[:-1]])


def _sample_motif(rng: np.random.Generator, probabilities: np.ndarray) -> bytes:
    cumulative = probabilities.cumsum(axis=1)
    draws = rng.random(len(probabilities))[:, None]
    index = (draws > cumulative).sum(axis=1).clip(max=3)
    return BASES[index].tobytes()


def generate(pool: list[PoolMotif], n_sequences: int, length: int, min_motifs: int,
             max_motifs: int, seed: int) -> tuple[list[bytes], np.ndarray, list[Instance]]:
    """Sequences (region strand), labels (N, n_motifs) and the embedded instances."""
    widths_all = np.array([len(m.probabilities) for m in pool])
    if max_motifs * (widths_all.max() + 1) + 1 > length:
        raise InputError(f"{max_motifs} motifs of up to {widths_all.max()} nt do not fit in "
                         f"{length} nt", key="synthetic.length",
                         hint="raise length or lower max_motifs")
    if min_motifs > max_motifs:
        raise InputError("min_motifs exceeds max_motifs", key="synthetic.min_motifs",
                         hint="set min_motifs <= max_motifs")
    rng = np.random.default_rng(seed)
    sequences, instances = [], []
    labels = np.zeros((n_sequences, len(pool)), dtype=np.uint8)
    for region in range(n_sequences):
        seq = bytearray(BASES[rng.integers(0, 4, size=length)].tobytes())
        chosen = rng.integers(0, len(pool), size=rng.integers(min_motifs, max_motifs + 1))
        starts = _layout(rng, widths_all[chosen], length)
        for motif, start in zip(chosen, starts):
            bases = _sample_motif(rng, pool[motif].probabilities)
            strand = "+" if rng.random() < 0.5 else "-"
            placed = bases if strand == "+" else bases.translate(COMPLEMENT)[::-1]
            seq[start:start + len(bases)] = placed
            labels[region, motif] = 1
            instances.append(Instance(region, int(start), int(motif), strand, bases))
        sequences.append(bytes(seq))
    return sequences, labels, instances


def instance_counts(instances: list[Instance], n_sequences: int, n_motifs: int) -> np.ndarray:
    """(N, K) number of embedded instances of each motif in each sequence."""
    counts = np.zeros((n_sequences, n_motifs), dtype=np.int64)
    np.add.at(counts, ([i.region for i in instances], [i.motif for i in instances]), 1)
    return counts


def target_values(counts: np.ndarray, names: list[str], values: dict) -> np.ndarray:
    """Regression targets (N, K): ``counts`` x each TF's effect (``values.effects``, else
    ``default_effect``) plus N(0, ``noise_sd``^2) noise drawn with ``values.seed``."""
    unknown = sorted(set(values.get("effects", {})) - set(names))
    if unknown:
        raise InputError(f"effects name TF(s) {unknown} not among the motifs",
                         key="synthetic.values.effects", hint=f"TFs: {', '.join(names)}")
    effects = np.array([values.get("effects", {}).get(name, values["default_effect"])
                        for name in names], dtype=np.float64)
    noise = np.random.default_rng(values["seed"]).normal(0.0, values["noise_sd"], counts.shape)
    return counts * effects + noise


def _write_record(out, name: str, sequence: bytes) -> None:
    out.write(f">{name}\n")
    text = sequence.decode()
    for i in range(0, len(text), 60):
        out.write(text[i:i + 60] + "\n")


def write_synthetic(pool: list[PoolMotif], sequences: list[bytes], labels: np.ndarray,
                  instances: list[Instance], fasta: str | os.PathLike, regions: str | os.PathLike,
                  motifs_bed: str | os.PathLike, per_chromosome: int, spacer: int,
                  seed: int, background: int = 0) -> None:
    """Lay the regions on chromosomes and write genome FASTA, region BED and motif BED;
    ``background`` more chromosomes (``chrB1``, ...) of uniform random bases, as long as a full
    chromosome of regions, hold no motif."""
    rng = np.random.default_rng(seed + 1)
    length = len(sequences[0])
    region_strand = np.where(rng.random(len(sequences)) < 0.5, "+", "-")
    coords = []
    with atomic_write(fasta) as out:
        for first in range(0, len(sequences), per_chromosome):
            chrom = f"chr{first // per_chromosome + 1}"
            parts = [BASES[rng.integers(0, 4, size=spacer)].tobytes()]
            position = spacer
            for region in range(first, min(first + per_chromosome, len(sequences))):
                seq = sequences[region]
                if region_strand[region] == "-":
                    seq = seq.translate(COMPLEMENT)[::-1]
                parts += [seq, BASES[rng.integers(0, 4, size=spacer)].tobytes()]
                coords.append((chrom, position))
                position += length + spacer
            _write_record(out, chrom, b"".join(parts))
        size = per_chromosome * (length + spacer) + spacer
        for k in range(background):
            _write_record(out, f"chrB{k + 1}", BASES[rng.integers(0, 4, size=size)].tobytes())
    names = [m.name for m in pool]
    # BED6, then one 0/1 column per TF (motifnet.data.kinds.SYNTHETIC_FIRST_LABEL_COLUMN)
    with atomic_write(regions) as out:
        out.write("#chrom\tstart\tend\tname\tscore\tstrand\t" + "\t".join(names) + "\n")
        for region, (chrom, start) in enumerate(coords):
            label = "\t".join(f"{v:.4f}" if labels.dtype.kind == "f" else str(v)
                              for v in labels[region])
            out.write(f"{chrom}\t{start}\t{start + length}\tseq{region}\t0\t"
                      f"{region_strand[region]}\t{label}\n")
    with atomic_write(motifs_bed) as out:
        out.write("#chrom\tstart\tend\tname\tscore\tstrand\tmatrix_id\tregion\tbases\n")
        # bases: the instance read on its strand, i.e. in the motif's own orientation
        for inst in instances:
            chrom, region_start = coords[inst.region]
            width = len(inst.bases)
            if region_strand[inst.region] == "+":
                start, strand = region_start + inst.start, inst.strand
            else:
                start = region_start + length - inst.start - width
                strand = "-" if inst.strand == "+" else "+"
            motif = pool[inst.motif]
            out.write(f"{chrom}\t{start}\t{start + width}\t{motif.name}\t0\t{strand}\t"
                      f"{motif.matrix_id}\tseq{inst.region}\t{inst.bases.decode()}\n")


def generate_dataset(spec: dict, fasta: str | os.PathLike, regions: str | os.PathLike,
                     motifs_bed: str | os.PathLike) -> None:
    """Generate a dataset's ``synthetic`` block: indexed genome FASTA, region BED with one
    label column per TF (a target value per TF with ``values``), and the ground-truth motif
    BED."""
    pool = jaspar_pool(spec["motifs"], spec["jaspar_release"])
    log.info("motif pool: %s", ", ".join(f"{m.name} {m.matrix_id}" for m in pool))
    sequences, labels, instances = generate(pool, spec["n_sequences"], spec["length"],
                                            spec["min_motifs"], spec["max_motifs"], spec["seed"])
    if spec.get("values") is not None:
        counts = instance_counts(instances, len(sequences), len(pool))
        labels = target_values(counts, [m.name for m in pool], spec["values"])
        log.info("regression targets: instances x effect + N(0, %g^2) noise; mean per TF %s",
                 spec["values"]["noise_sd"],
                 dict(zip([m.name for m in pool], labels.mean(0).round(3).tolist())))
    write_synthetic(pool, sequences, labels, instances, fasta, regions, motifs_bed,
                    spec["sequences_per_chromosome"], spec["spacer"], spec["seed"],
                    spec["background_chromosomes"])
    index_fasta(fasta)
    log.info("%d sequences, %d motif instances; per TF: %s", len(sequences),
             len(instances), dict(zip([m.name for m in pool], labels.sum(0).round(2).tolist())))


def motif_peaks(motifs_bed: str | os.PathLike, fai: str | os.PathLike, tf: str,
                width: int) -> pd.DataFrame:
    """Peaks of ``width`` centred on each instance of ``tf`` in a generated ``motifs.bed``
    (clipped to the chromosome), summit at the motif centre, sorted by position."""
    motifs = pd.read_csv(motifs_bed, sep="\t", comment="#", header=None, usecols=[0, 1, 2, 3],
                         names=["chrom", "start", "end", "tf"], dtype={"chrom": str, "tf": str})
    own = motifs[motifs["tf"] == tf].sort_values(["chrom", "start"]).reset_index(drop=True)
    if own.empty:
        raise InputError(f"no motif instance of '{tf}'", path=motifs_bed,
                         hint=f"TFs of this dataset: {', '.join(sorted(set(motifs['tf'])))}")
    sizes = own["chrom"].map(read_chrom_sizes(fai))
    summit = (own["start"] + own["end"]) // 2
    start = (summit - width // 2).clip(lower=0)
    return pd.DataFrame({
        "chrom": own["chrom"], "start": start,
        "end": (summit - width // 2 + width).clip(upper=sizes), "summit": summit,
        "name": [f"{tf}_{i + 1}" for i in range(len(own))], "score": 1000, "signal": 1.0})


def write_motif_peaks(motifs_bed: str | os.PathLike, fai: str | os.PathLike, tf: str,
                      width: int, path: str | os.PathLike) -> None:
    """Write :func:`motif_peaks` as a narrowPeak."""
    peaks = motif_peaks(motifs_bed, fai, tf, width)
    write_narrowpeak(path, peaks)
    log.info("%s: %d peaks of %d bp centred on its motif instances", tf, len(peaks), width)
