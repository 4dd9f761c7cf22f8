"""Extraction with bedtools checked against pyfaidx slices of a real genome (E. coli 536)."""

import numpy as np
import pandas as pd
import pytest
from pyfaidx import Fasta

from motifnet.data.extract import chr_hint, extract, length_notes, read_chrom_sizes, resize
from motifnet.errors import InputError

COMPLEMENT = str.maketrans("ACGTacgtNn", "TGCAtgcaNn")


def intervals(rows):
    frame = pd.DataFrame(rows, columns=["chrom", "start", "end", "strand"])
    frame["id"] = [f"i{i}" for i in range(len(frame))]
    frame["source"] = [f"x.bed:{i + 1}" for i in range(len(frame))]
    return frame


def test_matches_pyfaidx_on_both_strands(ecoli_fasta):
    chrom = next(iter(read_chrom_sizes(f"{ecoli_fasta}.fai")))
    rng = np.random.default_rng(1)
    starts = rng.integers(1000, 4_000_000, size=200)
    lengths = rng.integers(50, 400, size=200)
    frame = intervals([(chrom, int(s), int(s + w), "+-"[i % 2])
                       for i, (s, w) in enumerate(zip(starts, lengths))])
    result = extract(ecoli_fasta, f"{ecoli_fasta}.fai", frame, 101, "center", 0.0, "x.bed")
    genome = Fasta(str(ecoli_fasta))[chrom]
    resized = resize(frame, 101, "center")
    for row, seq in zip(resized.itertuples(), result.kept["sequence"]):
        expected = str(genome[row.start:row.end])
        if row.strand == "-":
            expected = expected.translate(COMPLEMENT)[::-1]
        assert seq == expected and len(seq) == 101


def test_pad_and_crop_policies(ecoli_fasta):
    chrom = next(iter(read_chrom_sizes(f"{ecoli_fasta}.fai")))
    frame = intervals([(chrom, 1000, 1010, "+"), (chrom, 2000, 2100, "+")])
    padded = extract(ecoli_fasta, f"{ecoli_fasta}.fai", frame, 20, "pad", 0.0, "x.bed")
    genome = Fasta(str(ecoli_fasta))[chrom]
    assert padded.kept["sequence"][0] == "N" * 5 + str(genome[1000:1010]) + "N" * 5
    assert padded.kept["sequence"][1] == str(genome[2040:2060])
    cropped = extract(ecoli_fasta, f"{ecoli_fasta}.fai", frame, 20, "crop", 0.5, "x.bed")
    assert len(cropped.kept) == 1 and "shorter" in cropped.dropped["reason"][0]


def test_off_end_and_unknown_chromosomes_are_dropped_and_counted(ecoli_fasta):
    sizes = read_chrom_sizes(f"{ecoli_fasta}.fai")
    chrom, size = next(iter(sizes.items()))
    frame = intervals([(chrom, 100, 200, "+")] * 8 + [(chrom, size - 10, size, "+"),
                                                       ("chrZ", 100, 200, "+")])
    result = extract(ecoli_fasta, f"{ecoli_fasta}.fai", frame, 100, "center", 0.25, "x.bed")
    assert len(result.kept) == 8
    assert sorted(result.dropped["reason"]) == ["chromosome not in genome",
                                                "falls off the chromosome end"]
    with pytest.raises(InputError, match="2 of 10 intervals") as error:
        extract(ecoli_fasta, f"{ecoli_fasta}.fai", frame, 100, "center", 0.1, "x.bed")
    assert "chrZ" in str(error.value) and "x.bed" in str(error.value)


def test_chr_prefix_hint(ecoli_fasta):
    chrom = next(iter(read_chrom_sizes(f"{ecoli_fasta}.fai")))
    frame = intervals([("chr" + chrom, 100, 200, "+")])
    with pytest.raises(InputError, match="'chr' prefix"):
        extract(ecoli_fasta, f"{ecoli_fasta}.fai", frame, 100, "center", 0.0, "x.bed")


def test_case_differences_in_chromosome_names_get_a_hint():
    sizes = {"chr1": 100, "chr2": 100}
    assert "differ in case: the intervals say 'Chr1', the genome 'chr1'" in chr_hint(
        ["Chr1"], sizes)
    assert "the genome 'chr2'" in chr_hint(["CHR2"], sizes)
    assert "'chr' prefix" in chr_hint(["1"], sizes)
    assert "same assembly" in chr_hint(["scaffold9"], sizes)


def test_intervals_shorter_than_the_length_are_said(caplog):
    frame = intervals([("c", 0, 50, "+"), ("c", 100, 400, "+"), ("c", 500, 560, "+")])
    notes = length_notes(frame, 200, "center")["short_intervals"]
    assert notes == {"intervals": 3, "shorter_than_length": 2, "length": 200, "longest": 300,
                     "median": 60.0, "resize": "center"}
    assert "2 of 3 intervals are shorter than length 200" in caplog.text
    assert "read the genome around them" in caplog.text
    assert length_notes(frame, 50, "center") == {}
