"""Users' own labelled sequences (FASTA with labels in the headers, or TSV) become the same
sequence table as extraction, and encode unchanged; bad input names file and line."""

import gzip
import json

import numpy as np
import pandas as pd
import pytest
import yaml

from motifnet.data.bed import read_bed
from motifnet.data.encoded import load_split
from motifnet.data.imported import (
    fit_length,
    import_sequences,
    label_sequences,
    read_fasta,
    read_tsv,
)
from motifnet.data.onehot import decode
from motifnet.data.table import COLUMNS
from motifnet.errors import InputError

from conftest import run_snakemake


def write(path, text, gz=False):
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    return str(path)


def test_fasta_headers_multiline_and_gzip(tmp_path):
    path = write(tmp_path / "s.fa.gz", ">a label=1 split=train\nACGT\nacgu\n"
                 ">b label=0 split=test\nNNACGT\n", gz=True)
    records = read_fasta(path)
    assert records.ids == ["a", "b"] and records.sequences == ["ACGTacgt", "NNACGT"]
    assert records.split == ["train", "test"] and records.lines == [1, 4]
    labelled = label_sequences(records, "binary")
    assert labelled.y[:, 0].tolist() == [1, 0] and labelled.frame["id"].tolist() == ["a", "b"]


def test_short_header_form_and_named_classes(tmp_path):
    path = write(tmp_path / "s.fa", ">a promoter\nACGT\n>b background\nACGT\n>c promoter\nAC\n")
    labelled = label_sequences(read_fasta(path), "binary", positive="promoter")
    assert labelled.classes == ["promoter"] and labelled.y[:, 0].tolist() == [1, 0, 1]
    multi = label_sequences(read_fasta(path), "multiclass")
    assert multi.classes == ["background", "promoter"]
    assert multi.y.tolist() == [[0, 1], [1, 0], [0, 1]]


def test_multilabel_fasta_lists_classes(tmp_path):
    path = write(tmp_path / "s.fa", ">a label=CTCF,YY1\nACGT\n>b label=.\nACGT\n"
                 ">c label=YY1\nACGT\n")
    labelled = label_sequences(read_fasta(path), "multilabel")
    assert labelled.classes == ["CTCF", "YY1"]
    assert labelled.y.tolist() == [[1, 1], [0, 0], [0, 1]]


def test_tsv_with_label_columns_and_split(tmp_path):
    path = write(tmp_path / "s.tsv", "id\tsequence\tCTCF\tYY1\tsplit\n"
                 "a\tACGTACGT\t1\t0\ttrain\nb\tTTTT\t0\t1\ttest\n")
    records = read_tsv(path, ["CTCF", "YY1"])
    assert records.split == ["train", "test"]
    labelled = label_sequences(records, "multilabel")
    assert labelled.classes == ["CTCF", "YY1"] and labelled.y.tolist() == [[1, 0], [0, 1]]


def test_fit_length_cuts_centre_and_pads():
    windows, seqs = fit_length(["AAACCCGGGTT", "ACG", "ACGTAC"], 6, "pad")
    assert seqs == ["ACCCGG", "NACGNN", "ACGTAC"]
    assert windows[["start", "end"]].values.tolist() == [[2, 8], [0, 3], [0, 6]]
    windows, _ = fit_length(["AAACCCGGGTT", "ACG"], 6, "crop")
    assert windows["keep"].tolist() == [True, False]


def test_crop_drops_short_sequences_up_to_the_allowed_fraction(tmp_path):
    path = write(tmp_path / "s.fa", "".join(f">s{i} {i % 2}\n{'ACGT' * (3 if i else 1)}\n"
                                            for i in range(10)))
    table, dropped, notes = import_sequences({"fasta": path}, "binary", 8, "crop", 0.2)
    assert len(table) == 9 and dropped["id"].tolist() == ["s0"]
    assert list(table.columns) == COLUMNS + ["y:label"]
    assert set(table["sequence"].str.len()) == {8}
    assert notes["short_intervals"]["shorter_than_length"] == 1
    with pytest.raises(InputError, match="1 of 10 sequences are shorter than 8") as error:
        import_sequences({"fasta": path}, "binary", 8, "crop", 0.05)
    assert "'s0' (4 nt)" in str(error.value)


@pytest.mark.parametrize("text, problem, line", [
    (">a label=1\nACGT\n>b label=0\nAC-GT\n", "not DNA letters", 4),
    (">a label=1\nACGT\n>b\nACGT\n", "no label in the header", 3),
    (">a label=1\nACGT\n>b label=0\n>c label=1\nAC\n", "record 'b' has no sequence", 3),
    ("ACGT\n>a label=1\nACGT\n", "before the first", 1),
    (">a label=1 split=train\nACGT\n>b label=0\nACGT\n", "no split=", 3),
    (">a label=1\nACGT\n>a label=0\nACGT\n", "id 'a' repeats line 1", 3),
    (">a label=1\nACGT\n>b label=0\nACGT\n>c label=pos\nACGT\n", "mixes numeric and named", 5),
])
def test_bad_fasta_names_file_and_line(tmp_path, text, problem, line):
    path = write(tmp_path / "bad.fa", text)
    with pytest.raises(InputError, match=problem) as error:
        label_sequences(read_fasta(path), "binary")
    assert str(tmp_path / "bad.fa") in str(error.value)
    if line:
        assert f"line {line}" in str(error.value)


def test_bad_tsv_rows(tmp_path):
    path = write(tmp_path / "bad.tsv", "id\tsequence\tlabel\na\tACGT\t1\nb\tACGT\n")
    with pytest.raises(InputError, match="2 tab-separated fields") as error:
        read_tsv(path, ["label"])
    assert "bad.tsv, line 3" in str(error.value)
    path = write(tmp_path / "bad2.tsv", "id\tseq\tlabel\na\tACGT\t1\n")
    with pytest.raises(InputError, match="lacks column"):
        read_tsv(path, ["label"])


def test_truncated_gzip_names_the_line(tmp_path):
    text = "".join(f">s{i} label={i % 2}\n{'ACGT' * 20}\n" for i in range(5000))
    data = gzip.compress(text.encode())
    (tmp_path / "t.fa.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="unreadable after line") as error:
        read_fasta(tmp_path / "t.fa.gz")
    assert "t.fa.gz, line" in str(error.value)


def test_positive_class_error_names_the_sequences_key(tmp_path):
    path = write(tmp_path / "s.fa", ">a yes\nACGT\n>b no\nACGT\n")
    with pytest.raises(InputError, match="positive_class") as error:
        label_sequences(read_fasta(path), "binary")
    assert "sequences.positive_class" in str(error.value)


def test_predefined_split_needs_splits_in_the_file(tmp_path):
    path = write(tmp_path / "s.fa", ">a 1\nACGT\n>b 0\nACGT\n")
    with pytest.raises(InputError, match="gives no split"):
        import_sequences({"fasta": path}, "binary", 4, "pad", 0.0, need_split=True)


def test_workflow_imports_fasta_and_tsv_to_tensors(tmp_path):
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), int(n))) for n in rng.integers(30, 70, 80)]
    fasta = "".join(f">f{i} label={'ab'[i % 2]} split={['train', 'test'][i % 4 == 0]}\n{s}\n"
                    for i, s in enumerate(seqs))
    write(tmp_path / "mine.fa", fasta)
    tsv = "id\tsequence\tCTCF\tYY1\n" + "".join(
        f"t{i}\t{s}\t{i % 2}\t{(i // 2) % 2}\n" for i, s in enumerate(seqs))
    write(tmp_path / "mine.tsv", tsv)
    config = {"datasets": {
        "fa": {"sequences": {"fasta": "mine.fa", "positive_class": "a"}, "task": "binary",
               "length": 50, "split": {"method": "predefined", "seed": 1}},
        "tsv": {"sequences": {"tsv": "mine.tsv", "label_columns": ["CTCF", "YY1"]},
                "task": "multilabel", "length": 40, "resize": "crop", "dtype": "uint8",
                "max_dropped_fraction": 0.5},
    }}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    result = run_snakemake(tmp_path, "--configfile", str(tmp_path / "config.yaml"))
    assert "import_sequences" in result.stdout + result.stderr
    encoding = json.loads((tmp_path / "results/fa/data/encoding.json").read_text())
    assert encoding["counts"]["test"]["n"] == 20 and encoding["classes"] == ["a"]
    assert encoding["counts"]["train"]["n"] + encoding["counts"]["val"]["n"] == 60
    test = load_split(tmp_path / "results/fa/data/test.npz")
    by_id = dict(zip(test.ids, decode(test.x)))
    for i in range(0, 80, 4):
        s = seqs[i]
        cut = s[(len(s) - 50) // 2:][:50] if len(s) > 50 else s
        assert by_id[f"f{i}"].strip("N") == cut
    tsv_enc = json.loads((tmp_path / "results/tsv/data/encoding.json").read_text())
    kept = sum(len(s) >= 40 for s in seqs)
    assert sum(tsv_enc["counts"][s]["n"] for s in ["train", "val", "test"]) == kept
    assert tsv_enc["task"] == "multilabel" and tsv_enc["classes"] == ["CTCF", "YY1"]
    dropped = pd.read_csv(tmp_path / "results/tsv/data/dropped.tsv", sep="\t")
    assert len(dropped) == 80 - kept and set(dropped["length"]) < set(range(40))


@pytest.mark.parametrize("packed", [False, True])
def test_a_byte_order_mark_at_the_start_is_dropped(tmp_path, packed):
    """A TSV saved by a spreadsheet program starts with a UTF-8 byte-order mark."""
    text = "\ufeffid\tsequence\tlabel\na\tACGT\t1\nb\tTTTT\t0\n".encode()
    path = tmp_path / ("s.tsv.gz" if packed else "s.tsv")
    path.write_bytes(gzip.compress(text) if packed else text)
    records = read_tsv(path, ["label"])
    assert records.ids == ["a", "b"]
    bed = tmp_path / "r.bed"
    bed.write_bytes("\ufeffchr1\t0\t10\ta\t0\t+\t1\n".encode())
    assert read_bed(bed, [7]).frame["chrom"].tolist() == ["chr1"]
