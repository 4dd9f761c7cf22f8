"""BED parsing and labelling: every bad input names the file and line or key."""

import gzip

import numpy as np
import pytest

from motifnet.data.bed import read_bed
from motifnet.data.intervals import load_intervals
from motifnet.errors import InputError


def write(path, text):
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("line,message", [
    ("chr1\t10\n", "2 tab-separated columns"),
    ("chr1\tten\t20\n", "'ten' is not an integer"),
    ("chr1\t-5\t20\n", "negative"),
    ("chr1\t30\t20\n", "not below end"),
    ("chr1\t10\t20\tx\t0\t*\n", "strand"),
])
def test_malformed_lines_name_file_and_line(tmp_path, line, message):
    path = write(tmp_path / "bad.bed", "chr1\t0\t10\n" + line)
    with pytest.raises(InputError, match=message) as error:
        read_bed(path)
    assert f"{path}, line 2" in str(error.value)


def test_empty_file(tmp_path):
    path = write(tmp_path / "empty.bed", "# only a header\n\n")
    with pytest.raises(InputError, match="no intervals"):
        read_bed(path)


def test_gzip_and_header_names(tmp_path):
    path = tmp_path / "x.bed.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("#chrom\tstart\tend\tname\tscore\tstrand\tA\tB\n"
                     "chr1\t0\t10\ta\t0\t+\t1\t0\nchr1\t5\t15\tb\t0\t-\t0\t1\n")
    table = read_bed(path, label_columns=[7, 8])
    assert table.label_names == ["A", "B"]
    assert list(table.frame["strand"]) == ["+", "-"]


def test_unreadable_gzip(tmp_path):
    path = tmp_path / "broken.bed.gz"
    path.write_bytes(gzip.compress(b"chr1\t0\t10\n" * 1000)[:60])
    with pytest.raises(InputError, match="unreadable"):
        read_bed(path)


def test_binary_label_column_with_names(tmp_path):
    path = write(tmp_path / "x.bed", "c\t0\t5\t.\t0\t+\tprom\nc\t5\t9\t.\t0\t+\tbg\n")
    result = load_intervals({"bed": path, "label_columns": [7], "positive_class": "prom"},
                            "binary")
    assert result.classes == ["prom"]
    np.testing.assert_array_equal(result.y[:, 0], [1, 0])
    assert result.frame["id"].tolist() == ["c:0-5(+)", "c:5-9(+)"]


def test_one_class_only(tmp_path):
    path = write(tmp_path / "x.bed", "c\t0\t5\t.\t0\t+\t1\nc\t5\t9\t.\t0\t+\t1\n")
    with pytest.raises(InputError, match="one class only") as error:
        load_intervals({"bed": path, "label_columns": [7]}, "binary")
    assert path in str(error.value)


def test_mixed_label_types(tmp_path):
    path = write(tmp_path / "x.bed", "c\t0\t5\t.\t0\t+\t1\nc\t5\t9\t.\t0\t+\t0\n"
                 "c\t9\t12\t.\t0\t+\tenhancer\n")
    with pytest.raises(InputError, match="mixes numeric and named") as error:
        load_intervals({"bed": path, "label_columns": [7]}, "binary")
    assert "line 3" in str(error.value)


def test_duplicated_names(tmp_path):
    path = write(tmp_path / "x.bed", "c\t0\t5\tp1\t0\t+\t1\nc\t5\t9\tp1\t0\t+\t0\n")
    with pytest.raises(InputError, match="repeats"):
        load_intervals({"bed": path, "label_columns": [7]}, "binary")


def test_class_files_binary_multiclass_and_multilabel(tmp_path, caplog):
    a = write(tmp_path / "a.bed", "c\t0\t5\nc\t10\t15\n")
    b = write(tmp_path / "b.bed", "c\t20\t25\nc\t10\t15\n")
    # c:10-15 is in both files: positive and negative at once
    binary = load_intervals({"classes": {"a": a, "b": b}}, "binary")
    assert binary.classes == ["a"] and binary.y[:, 0].tolist() == [1, 1, 0]
    assert binary.dropped["source"].tolist() == [f"{b}:2"]
    assert "the positive class wins" in binary.dropped["reason"].iloc[0]
    assert "1 region(s) are listed in several class files; dropped 1" in caplog.text
    flipped = load_intervals({"classes": {"a": a, "b": b}, "positive_class": "b"}, "binary")
    assert flipped.y[:, 0].tolist() == [0, 1, 1] and flipped.frame["start"].tolist() == [0, 20, 10]
    multiclass = load_intervals({"classes": {"a": a, "b": b}}, "multiclass")
    assert multiclass.y.tolist() == [[1, 0], [0, 1]] and len(multiclass.dropped) == 2
    multilabel = load_intervals({"classes": {"a": a, "b": b}}, "multilabel")
    assert multilabel.y.tolist() == [[1, 0], [1, 1], [0, 1]]


def test_unnamed_label_columns(tmp_path):
    path = write(tmp_path / "enhancers.bed.gz", "")
    with gzip.open(path, "wt") as handle:
        handle.write("c\t0\t5\t.\t0\t+\t1\t0\nc\t5\t9\t.\t0\t+\t0\t1\n")
    binary = load_intervals({"bed": path, "label_columns": [7]}, "binary")
    assert binary.classes == ["enhancers"]  # named after the file, not "label_7"
    with pytest.raises(InputError, match=r"label column\(s\) \[7, 8\] have no name") as error:
        load_intervals({"bed": path, "label_columns": [7, 8]}, "multilabel")
    assert "intervals.label_names" in str(error.value)


def test_multilabel_values_must_be_binary(tmp_path):
    path = write(tmp_path / "x.bed", "c\t0\t5\t.\t0\t+\t1\t0\nc\t5\t9\t.\t0\t+\t2\t1\n")
    with pytest.raises(InputError, match="not 0 or 1") as error:
        load_intervals({"bed": path, "label_columns": [7, 8], "label_names": ["A", "B"]},
                       "multilabel")
    assert "line 2" in str(error.value)


def test_a_name_column_taken_for_multiclass_labels_is_refused(tmp_path):
    """300 one-member classes: BED column 4 (unique names) given as the label column."""
    lines = "".join(f"c\t{10 * i}\t{10 * i + 5}\tpeak{i}\t0\t+\tclass{i % 3}\n"
                    for i in range(300))
    path = write(tmp_path / "x.bed", lines)
    with pytest.raises(InputError, match=r"label column 'label_4' holds 300 classes for 300 "
                       r"sequences .*looks like a name or id column") as error:
        load_intervals({"bed": path, "label_columns": [4]}, "multiclass")
    assert path in str(error.value) and "BED column 4 is the name" in error.value.hint
    result = load_intervals({"bed": path, "label_columns": [7]}, "multiclass")
    assert result.classes == ["class0", "class1", "class2"]


def test_classes_with_few_members_are_warned_about(tmp_path, caplog):
    lines = "".join(f"c\t{10 * i}\t{10 * i + 5}\t.\t0\t+\t{'rare' if i < 3 else 'common'}\n"
                    for i in range(40))
    path = write(tmp_path / "x.bed", lines)
    load_intervals({"bed": path, "label_columns": [7]}, "multiclass")
    assert ("1 of 2 classes in label column 'label_7' have fewer than 10 sequences (rare 3)"
            in caplog.text)


def test_label_columns_beyond_the_file_name_the_key(tmp_path):
    path = write(tmp_path / "x.bed", "c\t0\t5\t.\t0\t+\t1\nc\t5\t9\t.\t0\t+\t0\n")
    with pytest.raises(InputError) as error:
        load_intervals({"bed": path, "label_columns": [9]}, "binary")
    assert error.value.key == "intervals.label_columns" and "line 1" in str(error.value)
    assert "asks for column(s) [9], but the line has 7 tab-separated columns" in str(error.value)
    with pytest.raises(InputError, match="intervals.split_column asks for column") as error:
        load_intervals({"bed": path, "label_columns": [7], "split_column": 8}, "binary")


def test_the_negative_class_of_a_binary_task_is_recorded_where_it_is_one_real_class(tmp_path):
    """Two class files, a label column of two names, or a named label 0: the class labelled 0
    is recorded (extraction notes) so that attribution explains it too; 0/1 alone is not."""
    a = write(tmp_path / "a.bed", "chr1\t0\t10\n")
    b = write(tmp_path / "b.bed", "chr1\t20\t30\n")
    files = load_intervals({"classes": {"A": a, "B": b}, "positive_class": "B"}, "binary")
    assert files.classes == ["B"] and files.notes() == {"negative_class": "A"}
    three = load_intervals({"classes": {"A": a, "B": b, "C": write(tmp_path / "c.bed",
                                                                   "chr1\t40\t50\n")}},
                           "binary")
    assert three.negative_class is None  # label 0 is two classes: no single one to name
    named = write(tmp_path / "n.bed", "chr1\t0\t10\t.\tCTCF\nchr1\t20\t30\t.\tREST\n")
    column = load_intervals({"bed": named, "label_columns": [5], "positive_class": "CTCF"},
                            "binary")
    assert column.negative_class == "REST"
    numeric = write(tmp_path / "z.bed", "chr1\t0\t10\t.\t1\nchr1\t20\t30\t.\t0\n")
    assert load_intervals({"bed": numeric, "label_columns": [5]}, "binary").notes() == {}
    given = load_intervals({"bed": numeric, "label_columns": [5], "negative_class": "GATA"},
                           "binary")
    assert given.negative_class == "GATA"
    with pytest.raises(InputError, match="negative_class 'CTCF' is the positive class") as error:
        load_intervals({"bed": named, "label_columns": [5], "positive_class": "CTCF",
                        "negative_class": "CTCF"}, "binary")
    assert error.value.key == "intervals.negative_class"
