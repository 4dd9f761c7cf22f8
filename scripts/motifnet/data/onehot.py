"""One-hot encoding of DNA: channels A, C, G, T; N and other IUPAC codes are zero columns."""

from __future__ import annotations

import numpy as np

ALPHABET = "ACGT"

_UPPERCASE_MASK = 0xDF  # clears the ASCII lowercase bit: a->A, c->C, g->G, t->T


def encode(sequences: list[str], dtype: np.dtype | str = np.float32) -> np.ndarray:
    """Encode equal-length sequences into an array of shape (N, 4, L)."""
    if not sequences:
        return np.zeros((0, 4, 0), dtype=dtype)
    length = len(sequences[0])
    if any(len(s) != length for s in sequences):
        raise ValueError("sequences differ in length; resize them first")
    codes = np.frombuffer("".join(sequences).encode("ascii"), dtype=np.uint8)
    upper = (codes & _UPPERCASE_MASK).reshape(len(sequences), length)
    out = np.empty((len(sequences), 4, length), dtype=dtype)
    target = out.view(np.bool_) if out.itemsize == 1 else out
    for channel, base in enumerate(ALPHABET.encode()):
        np.equal(upper, base, out=target[:, channel, :])
    return out


def decode(onehot: np.ndarray) -> list[str]:
    """Sequences back from (N, 4, L) one-hot arrays; all-zero columns become N."""
    letters = np.frombuffer(b"ACGTN", dtype=np.uint8)
    index = np.where(onehot.sum(axis=1) > 0, onehot.argmax(axis=1), 4)
    return [row.tobytes().decode("ascii") for row in letters[index]]


def reverse_complement(onehot: np.ndarray) -> np.ndarray:
    """Reverse complement of (N, 4, L) one-hot arrays (ACGT order makes it a double flip)."""
    return onehot[:, ::-1, ::-1].copy()
