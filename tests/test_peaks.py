"""Peak files: narrowPeak and BED read with summits, windows on the summits, and every bad
peak file named with its line."""

import gzip
import re

import numpy as np
import pandas as pd
import pytest

from motifnet.data.extract import read_chrom_sizes
from motifnet.data.from_peaks import check_peaks, peak_sequences
from motifnet.data.peaks import peak_format, read_peaks, summit_windows, write_narrowpeak
from motifnet.errors import InputError


def narrowpeak(*rows):
    return "".join("\t".join(map(str, row)) + "\n" for row in rows)


def write(path, text):
    path.write_text(text)
    return str(path)


def test_narrowpeak_summits_centres_and_gzip(tmp_path):
    text = narrowpeak(("chr1", 100, 300, "p1", 0, ".", 5.0, 3.0, 2.0, 40),
                      ("chr1", 1000, 1101, "p2", 0, ".", 5.0, 3.0, 2.0, -1))
    path = tmp_path / "CTCF.narrowPeak.gz"
    path.write_bytes(gzip.compress(text.encode()))
    peaks = read_peaks(path, "CTCF")
    assert peaks["summit"].tolist() == [140, 1050]
    assert peaks["source"].tolist() == [f"{path}:1", f"{path}:2"]
    centres = read_peaks(path, "CTCF", summit=False)
    assert centres["summit"].tolist() == [200, 1050]


def test_bed_peaks_are_centred_and_format_follows_the_name(tmp_path):
    path = write(tmp_path / "atac.bed", "track name=x\nchr2\t10\t30\n#c\nchr2\t40\t61\tp\t0\t+\n")
    peaks = read_peaks(path, "ATAC")
    assert peaks["summit"].tolist() == [20, 50] and peaks["strand"].tolist() == [".", "+"]
    assert peak_format("x.narrowPeak.gz", "auto") == "narrowPeak"
    assert peak_format("x.bed", "auto") == "bed"
    assert peak_format("x.bed", "narrowPeak") == "narrowPeak"


def test_windows_on_summits_merge_repeated_summits(tmp_path):
    path = write(tmp_path / "p.narrowPeak", narrowpeak(
        ("chr1", 100, 300, ".", 0, ".", 1, 1, 1, 50),
        ("chr1", 100, 300, ".", 0, ".", 1, 1, 1, 50),   # MACS2 repeats a peak per summit
        ("chr1", 100, 300, ".", 0, ".", 1, 1, 1, 120)))
    windows, merged = summit_windows(read_peaks(path, "TF"), 100)
    assert merged == 1
    assert windows[["start", "end"]].values.tolist() == [[100, 200], [170, 270]]
    assert windows["id"].tolist() == ["TF:chr1:150", "TF:chr1:220"]


@pytest.mark.parametrize("line, message", [
    ("chr1\t10\t20\t.\t0\t.\t1\t1\t1\n", "9 tab-separated columns; narrowPeak has exactly 10"),
    ("chr1\t10\t20\t.\t0\t.\t1\t1\t1\t5\textra\n", "11 tab-separated columns"),
    ("chr1\t10\t20\t.\t0\t.\t1\t1\t1\t10\n", "summit offset 10 (column 10) lies outside"),
    ("chr1\t10\t20\t.\t0\t.\t1\t1\t1\t-5\n", "summit offset -5"),
    ("chr1\t10\t20\t.\t0\t.\t1\t1\t1\tmid\n", "'mid' (column 10) is not an integer"),
    ("chr1\t30\t20\t.\t0\t.\t1\t1\t1\t1\n", "not below end"),
])
def test_bad_narrowpeak_lines_name_file_and_line(tmp_path, line, message):
    path = write(tmp_path / "bad.narrowPeak", "chr1\t0\t10\t.\t0\t.\t1\t1\t1\t5\n" + line)
    with pytest.raises(InputError, match=re.escape(message)) as error:
        read_peaks(path, "TF")
    assert f"{path}, line 2" in str(error.value)


def test_empty_and_truncated_peak_files(tmp_path):
    with pytest.raises(InputError, match="no peaks in the file") as error:
        read_peaks(write(tmp_path / "empty.bed", "# nothing\n\n"), "TF")
    assert "empty.bed" in str(error.value)
    data = gzip.compress(b"".join(b"chr1\t%d\t%d\n" % (i, i + 9) for i in range(0, 200000, 10)))
    (tmp_path / "cut.bed.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="unreadable after line"):
        read_peaks(tmp_path / "cut.bed.gz", "TF")


def test_narrowpeak_round_trip(tmp_path):
    peaks = pd.DataFrame({"chrom": ["chr1"], "start": [10], "end": [210], "name": ["a"],
                          "score": [1000], "signal": [2.5], "summit": [110]})
    write_narrowpeak(tmp_path / "a.narrowPeak", peaks)
    back = read_peaks(tmp_path / "a.narrowPeak", "TF")
    assert back[["chrom", "start", "end", "summit"]].values.tolist() == [["chr1", 10, 210, 110]]


@pytest.fixture
def ecoli_chrom(ecoli_fasta):
    return next(iter(read_chrom_sizes(f"{ecoli_fasta}.fai").items()))


def test_a_peak_file_all_on_unknown_contigs_is_named(tmp_path, ecoli_fasta, ecoli_chrom):
    sizes = dict([ecoli_chrom])
    good = write(tmp_path / "good.bed", f"{ecoli_chrom[0]}\t100\t300\n")
    bad = write(tmp_path / "bad.bed", "chrX\t100\t300\nchrY\t5\t90\n")
    peaks = pd.concat([read_peaks(good, "A"), read_peaks(bad, "B")])
    with pytest.raises(InputError, match="none of the 2 peaks lies on a chromosome") as error:
        check_peaks(peaks, sizes, {"A": good, "B": bad}, 1.0)
    assert "bad.bed" in str(error.value) and "chrX" in str(error.value)


def test_chromosome_names_differing_in_case_get_a_hint(tmp_path):
    sizes = {"chr1": 1000}
    path = write(tmp_path / "p.bed", "Chr1\t100\t300\n")
    with pytest.raises(InputError, match="differ in case: the intervals say 'Chr1', the "
                       "genome 'chr1'"):
        check_peaks(read_peaks(path, "A"), sizes, {"A": path}, 0.5)


def test_peaks_off_the_genome_are_dropped_and_listed(tmp_path, ecoli_fasta, ecoli_chrom):
    chrom, size = ecoli_chrom
    rows = [(chrom, s, s + 300, ".", 0, ".", 1, 1, 1, 150) for s in range(10000, 400000, 3000)]
    rows += [("plasmid", 100, 400, ".", 0, ".", 1, 1, 1, 150),
             (chrom, 20, 320, ".", 0, ".", 1, 1, 1, 10)]  # window off the chromosome start
    path = write(tmp_path / "tf.narrowPeak", narrowpeak(*rows))
    spec = {"files": {"TF": path}, "format": "auto", "summit": True,
            "negatives": {"kind": "dinucleotide_shuffle", "ratio": 1, "seed": 0}}
    table, dropped, notes = peak_sequences(spec, ecoli_fasta, f"{ecoli_fasta}.fai",
                                           task="binary", length=200, resize="center",
                                           max_dropped_fraction=0.05)
    assert sorted(dropped["reason"]) == ["chromosome not in genome",
                                         "window falls off the chromosome end"]
    assert notes["peaks_read"] == {"TF": len(rows)} and notes["positives"] == len(rows) - 2
    assert (table["y:TF"] == 1).sum() == (table["y:TF"] == 0).sum() == len(rows) - 2
    with pytest.raises(InputError, match="above max_dropped_fraction"):
        peak_sequences(spec, ecoli_fasta, f"{ecoli_fasta}.fai", task="binary", length=200,
                       resize="center", max_dropped_fraction=0.0)


def test_blacklist_drops_positives_and_covering_all_is_an_error(tmp_path, ecoli_fasta,
                                                                 ecoli_chrom):
    chrom, _ = ecoli_chrom
    starts = np.arange(10000, 200000, 5000)
    path = write(tmp_path / "tf.bed", "".join(f"{chrom}\t{s}\t{s + 200}\n" for s in starts))
    partial = write(tmp_path / "bl.bed", f"{chrom}\t0\t50000\n")
    spec = {"files": {"TF": path}, "format": "auto", "summit": True, "blacklist": partial,
            "negatives": {"kind": "gc_matched", "ratio": 1, "exclude_flank": 500,
                          "max_n_fraction": 0.1, "gc_bin_width": 0.02, "seed": 0}}
    table, dropped, _ = peak_sequences(spec, ecoli_fasta, f"{ecoli_fasta}.fai", task="binary",
                                       length=200, resize="center", max_dropped_fraction=0.0)
    assert (dropped["reason"] == "in the blacklist").sum() == 8  # 10000 ... 45000
    assert (table["start"] + 200 > 50000).all()  # negatives avoid it too
    spec["blacklist"] = write(tmp_path / "all.bed", f"{chrom}\t0\t300000\n")
    with pytest.raises(InputError, match="covers every one of the 38 peak windows") as error:
        peak_sequences(spec, ecoli_fasta, f"{ecoli_fasta}.fai", task="binary", length=200,
                       resize="center", max_dropped_fraction=0.0)
    assert "all.bed" in str(error.value)


def test_signal_targets_of_one_tf_and_its_negatives(tmp_path, ecoli_fasta, ecoli_chrom):
    chrom, _ = ecoli_chrom
    rows = [(chrom, s, s + 300, ".", 0, ".", 1 + s / 10000, 1, 1, 150)
            for s in range(10000, 200000, 5000)]
    rows.append(rows[0][:6] + (99.5,) + rows[0][7:])  # the same summit: the higher signal
    path = write(tmp_path / "tf.narrowPeak", narrowpeak(*rows))
    spec = {"files": {"TF": path}, "format": "auto", "summit": True, "targets": "signal",
            "negatives": {"kind": "dinucleotide_shuffle", "ratio": 1, "seed": 0}}
    table, _, notes = peak_sequences(spec, ecoli_fasta, f"{ecoli_fasta}.fai", task="regression",
                                     length=200, resize="center", max_dropped_fraction=0.0)
    shuffled = table["id"].str.endswith(":shuffle1")
    positives = table[~shuffled].set_index("id")["y:TF"]
    assert len(positives) == shuffled.sum() == len(rows) - 1 and notes["merged_summits"] == 1
    assert positives[f"TF:{chrom}:10150"] == 99.5
    assert positives[f"TF:{chrom}:15150"] == pytest.approx(2.5)
    assert (table.loc[shuffled, "y:TF"] == 0).all()


@pytest.mark.parametrize("text,fmt,message,line", [
    ("chr1\t10\t200\n", "auto", "reads narrowPeak column 7, and this file is read as BED", None),
    ("chr1\t10\t200\t.\t0\t.\t5\t1\t1\t5\nchr1\t300\t400\t.\t0\t.\thigh\t1\t1\t5\n",
     "narrowPeak", "signalValue 'high' (column 7) is not a number", 2),
])
def test_a_signal_that_cannot_be_read_is_named(tmp_path, text, fmt, message, line):
    path = write(tmp_path / "p.txt", text)
    with pytest.raises(InputError, match=re.escape(message)) as error:
        read_peaks(path, "TF", fmt, signal=True)
    assert path in str(error.value)
    if line:
        assert f"line {line}" in str(error.value)
