"""One-hot encoding of DNA: channels A, C, G, T; N and other IUPAC codes are zero columns."""

from __future__ import annotations

import numpy as np

ALPHABET = "ACGT"

# _LOOKUP[c, byte] is 1 where byte is the letter of channel c (either case).
_LOOKUP = np.zeros((4, 256), dtype=np.uint8)
for _channel, _base in enumerate(ALPHABET):
    _LOOKUP[_channel, ord(_base)] = 1
    _LOOKUP[_channel, ord(_base.lower())] = 1


def encode(sequences: list[str], dtype: np.dtype | str = np.float32) -> np.ndarray:
    """Encode equal-length sequences into an array of shape (N, 4, L)."""
    if not sequences:
        return np.zeros((0, 4, 0), dtype=dtype)
    length = len(sequences[0])
    if any(len(s) != length for s in sequences):
        raise ValueError("sequences differ in length; resize them first")
    codes = np.frombuffer("".join(sequences).encode("ascii"), dtype=np.uint8)
    codes = codes.reshape(len(sequences), length)
    lookup = _LOOKUP.astype(dtype)
    out = np.empty((len(sequences), 4, length), dtype=dtype)
    for channel in range(4):
        np.take(lookup[channel], codes, out=out[:, channel, :])
    return out


def decode(onehot: np.ndarray) -> list[str]:
    """Sequences back from (N, 4, L) one-hot arrays; all-zero columns become N."""
    letters = np.frombuffer(b"ACGTN", dtype=np.uint8)
    index = np.where(onehot.sum(axis=1) > 0, onehot.argmax(axis=1), 4)
    return [row.tobytes().decode("ascii") for row in letters[index]]


def reverse_complement(onehot: np.ndarray) -> np.ndarray:
    """Reverse complement of (N, 4, L) one-hot arrays (ACGT order makes it a double flip)."""
    return onehot[:, ::-1, ::-1].copy()
