"""Multi-label bins: labels equal bedtools' own answer from the synthetic ground truth."""

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from motifnet.data import synthetic
from motifnet.data.bins import binned_windows
from motifnet.data.extract import read_chrom_sizes
from motifnet.data.genome import index_fasta
from motifnet.data.peaks import read_peak_files

TFS = {"Arid3": "MA0151", "CEBPB": "MA0466", "SP1": "MA0079", "SRF": "MA0083"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A small synthetic genome, its motifs.bed, and one narrowPeak per TF."""
    out = tmp_path_factory.mktemp("binned")
    pool = synthetic.jaspar_pool(TFS, "JASPAR2016")
    seqs, labels, instances = synthetic.generate(pool, 600, 200, 1, 5, seed=3)
    synthetic.write_synthetic(pool, seqs, labels, instances, out / "g.fa", out / "r.bed",
                              out / "m.bed", per_chromosome=200, spacer=100, seed=3)
    index_fasta(out / "g.fa")
    files = {}
    for tf in TFS:
        files[tf] = str(out / f"{tf}.narrowPeak")
        synthetic.write_motif_peaks(out / "m.bed", out / "g.fa.fai", tf, 200, files[tf])
    return out, files


def bedtools(*args, stdin=None):
    result = subprocess.run(["bedtools", *args], input=stdin, capture_output=True, text=True,
                            check=True)
    return result.stdout


def expected_labels(fai, motifs_bed, out, bin_size, width):
    """Per full-size bin (chrom, start) the TFs whose motif-centred peaks cover at least half
    of it, computed from motifs.bed with the bedtools binary alone (files written to out)."""
    bins = bedtools("makewindows", "-g", str(fai), "-w", str(bin_size))
    full = [line for line in bins.splitlines()
            if int(line.split("\t")[2]) - int(line.split("\t")[1]) == bin_size]
    (out / "bins.bed").write_text("\n".join(full) + "\n")
    motifs = pd.read_csv(motifs_bed, sep="\t")
    labels = {}
    for tf in TFS:
        own = motifs[motifs["name"] == tf]
        centre = (own["start"] + own["end"]) // 2
        peaks = pd.DataFrame({"chrom": own["#chrom"], "start": (centre - width // 2).clip(0),
                              "end": centre - width // 2 + width}).sort_values(["chrom", "start"])
        merged = bedtools("merge", "-i", "stdin", stdin=peaks.to_csv(sep="\t", header=False,
                                                                     index=False))
        (out / f"{tf}.merged.bed").write_text(merged)
        hits = bedtools("intersect", "-a", str(out / "bins.bed"), "-b",
                        str(out / f"{tf}.merged.bed"), "-f", "0.5", "-u")
        for line in hits.splitlines():
            chrom, start, _ = line.split("\t")
            labels.setdefault((chrom, int(start)), set()).add(tf)
    return labels


def test_bin_labels_equal_bedtools_on_the_ground_truth(generated):
    out, files = generated
    fai = out / "g.fa.fai"
    sizes = read_chrom_sizes(fai)
    peaks = read_peak_files(files, "auto", True)
    windows, y, record = binned_windows(fai, sizes, peaks, list(TFS), None, length=200,
                                        bin_size=200, region="genome", flank=0, zero_bins=0,
                                        seed=0)
    expected = expected_labels(fai, out / "m.bed", out, 200, 200)
    got = {(c, int(s)): {tf for tf, v in zip(TFS, row) if v}
           for c, s, row in zip(windows["chrom"], windows["bin_start"], y)}
    assert got == expected
    assert record["labelled"] == len(expected) and y.any(axis=1).all()
    assert ((windows["end"] - windows["start"]) == 200).all()
    assert (windows["start"] == windows["bin_start"]).all()


def test_zero_bins_longer_windows_blacklist_and_peak_regions(generated):
    out, files = generated
    fai = out / "g.fa.fai"
    sizes = read_chrom_sizes(fai)
    peaks = read_peak_files(files, "auto", True)
    chrom = next(iter(sizes))
    blacklist = pd.DataFrame({"chrom": [chrom], "start": [0], "end": [10_000]})
    windows, y, record = binned_windows(fai, sizes, peaks, list(TFS), blacklist, length=600,
                                        bin_size=200, region="genome", flank=0, zero_bins=0.1,
                                        seed=0)
    labelled = int(y.any(axis=1).sum())
    assert record["zero_bins_added"] == round(0.1 * record["labelled"])
    assert len(y) == (record["labelled"] + record["zero_bins_added"]
                      - record["left_out"]["window_off_chromosome"])
    assert record["left_out"]["blacklist"] == 50
    in_blacklist = (windows["chrom"] == chrom) & (windows["bin_start"] < 10_000)
    assert not in_blacklist.any()
    assert (windows["start"] == windows["bin_start"] - 200).all()
    assert record["left_out"]["window_off_chromosome"] >= 1
    assert record["left_out"]["short"] == len(sizes)  # each chromosome ends in a short bin
    assert labelled <= record["labelled"] and (~y.any(axis=1)).sum() > 0
    around, y2, record2 = binned_windows(fai, sizes, peaks, list(TFS), None, length=200,
                                         bin_size=200, region="peaks", flank=400, zero_bins=1,
                                         seed=0)
    assert record2["region"] == "peaks" and record2["bins"] < sum(sizes.values()) // 200
    assert np.all(y2.sum(axis=0) > 0)


def test_signal_bins_carry_the_highest_overlapping_signal(generated, tmp_path):
    """A regression on several TFs' signal: each labelled bin holds the highest signalValue of
    the TF's peaks overlapping it, the other bins 0."""
    out, files = generated
    fai = out / "g.fa.fai"
    sizes = read_chrom_sizes(fai)
    signal_files = {}
    for k, (tf, path) in enumerate(files.items()):
        rows = [line.split("\t") for line in Path(path).read_text().splitlines()]
        for i, row in enumerate(rows):
            row[6] = f"{(i * 7 + k) % 13 + 0.5}"
        signal_files[tf] = str(tmp_path / f"{tf}.narrowPeak")
        Path(signal_files[tf]).write_text("".join("\t".join(r) + "\n" for r in rows))
    peaks = read_peak_files(signal_files, "auto", True, signal=True)
    options = {"length": 200, "bin_size": 200, "region": "genome", "flank": 0, "zero_bins": 0,
               "seed": 0}
    windows, y, _ = binned_windows(fai, sizes, peaks, list(TFS), None, signal=True, **options)
    _, presence, _ = binned_windows(fai, sizes, peaks, list(TFS), None, **options)
    assert y.dtype == np.float32 and ((y > 0) == (presence == 1)).all()
    for k, tf in enumerate(TFS):
        own = peaks[peaks["tf"] == tf]
        for row in np.flatnonzero(presence[:, k])[:50]:
            chrom, start = windows["chrom"][row], windows["bin_start"][row]
            overlapping = own[(own["chrom"] == chrom) & (own["start"] < start + 200)
                              & (own["end"] > start)]
            assert y[row, k] == pytest.approx(overlapping["signal"].max())
