import numpy as np
import pandas as pd
import pytest

from motifnet.data.split import assign_splits
from motifnet.errors import InputError


def frame(n=1000, chroms=("chr1", "chr2", "chr3")):
    rng = np.random.default_rng(0)
    return pd.DataFrame({"chrom": rng.choice(chroms, n), "split": "", "source": "x.bed:1"})


def test_random_fractions_and_seed():
    spec = {"method": "random", "fractions": {"train": 0.7, "val": 0.1, "test": 0.2}, "seed": 3}
    split = assign_splits(frame(), spec)
    counts = pd.Series(split).value_counts()
    assert (counts["train"], counts["val"], counts["test"]) == (700, 100, 200)
    np.testing.assert_array_equal(split, assign_splits(frame(), spec))


def test_held_out_chromosomes_with_validation_carved_from_training():
    f = frame()
    split = assign_splits(f, {"method": "chromosomes", "test_chromosomes": ["chr3"],
                              "val_fraction": 0.1, "seed": 0})
    assert set(f["chrom"][split == "test"]) == {"chr3"}
    assert not (f["chrom"][split != "test"] == "chr3").any()
    n_train_before = (f["chrom"] != "chr3").sum()
    assert (split == "val").sum() == round(0.1 * n_train_before)


def test_predefined_split_column():
    f = frame(10)
    f["split"] = ["train"] * 7 + ["test"] * 3
    split = assign_splits(f, {"method": "predefined", "val_fraction": 0.3, "seed": 0})
    assert (split == "test").sum() == 3 and (split == "val").sum() == 2
    f.loc[4, "split"] = "training"
    with pytest.raises(InputError, match="'training'"):
        assign_splits(f, {"method": "predefined", "val_fraction": 0.3})


def test_empty_split_is_an_error():
    with pytest.raises(InputError, match="test split is empty"):
        assign_splits(frame(), {"method": "chromosomes", "test_chromosomes": ["chrX"],
                                "val_fraction": 0.1})


def test_empty_split_names_the_absent_or_doubly_held_out_chromosomes():
    with pytest.raises(InputError) as error:
        assign_splits(frame(), {"method": "chromosomes", "test_chromosomes": ["chrX", "chr3"],
                                "val_chromosomes": ["21"], "val_fraction": 0.1})
    assert ("the val split is empty: val_chromosomes 21 is not among the chromosomes of the "
            "data") in str(error.value)
    assert error.value.key == "split.val_chromosomes" and "chr1, chr2, chr3" in error.value.hint
    with pytest.raises(InputError, match="test split is empty: its chromosomes chr3 are held "
                       "out for another split too"):
        assign_splits(frame(), {"method": "chromosomes", "test_chromosomes": ["chr3"],
                                "val_chromosomes": ["chr3"]})
    with pytest.raises(InputError, match="train split is empty: every chromosome of the data"):
        assign_splits(frame(), {"method": "chromosomes", "test_chromosomes": ["chr1", "chr3"],
                                "val_chromosomes": ["chr2"]})
