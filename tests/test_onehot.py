import numpy as np
import pytest

from motifnet.data.onehot import decode, encode, reverse_complement


def test_channels_are_acgt_and_other_codes_are_zero_columns():
    x = encode(["ACGTNRYacgtn"], np.float32)
    assert x.shape == (1, 4, 12)
    expected = np.zeros((4, 12), np.float32)
    for i, channel in enumerate([0, 1, 2, 3, None, None, None, 0, 1, 2, 3, None]):
        if channel is not None:
            expected[channel, i] = 1
    np.testing.assert_array_equal(x[0], expected)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_dtype_and_round_trip(dtype):
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGTN"), 50)) for _ in range(20)]
    x = encode(seqs, dtype)
    assert x.dtype == dtype
    assert decode(x) == seqs


def test_reverse_complement():
    x = encode(["AACGTN"])
    assert decode(reverse_complement(x)) == ["NACGTT"]


def test_unequal_lengths_rejected():
    with pytest.raises(ValueError, match="differ in length"):
        encode(["ACGT", "ACG"])


def test_unknown_bases_zero_or_uniform():
    zero = encode(["ANnRt"])
    np.testing.assert_array_equal(zero[0, :, 1:4], np.zeros((4, 3)))
    uniform = encode(["ANnRt"], unknown="uniform")
    np.testing.assert_array_equal(uniform[0, :, 1:4], np.full((4, 3), 0.25))
    np.testing.assert_array_equal(uniform[0, :, [0, 4]], zero[0, :, [0, 4]])
    assert decode(uniform) == ["ANNNT"]
    with pytest.raises(ValueError, match="float dtype"):
        encode(["ACGN"], "uint8", unknown="uniform")
    with pytest.raises(ValueError, match="unknown must be one of"):
        encode(["ACGN"], unknown="half")
