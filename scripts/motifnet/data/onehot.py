"""One-hot encoding of DNA: channels A, C, G, T; N and other IUPAC codes (unknown bases) are
zero columns, or 0.25 in every channel with ``unknown="uniform"`` (seed 001's encoding)."""

from __future__ import annotations

import numpy as np

ALPHABET = "ACGT"
UNKNOWN = ("zero", "uniform")

_UPPERCASE_MASK = 0xDF  # clears the ASCII lowercase bit: a->A, c->C, g->G, t->T


def encode(sequences: list[str], dtype: np.dtype | str = np.float32,
           unknown: str = "zero") -> np.ndarray:
    """Encode equal-length sequences into an array of shape (N, 4, L); an unknown base is a
    zero column, or 0.25 per channel with ``unknown="uniform"`` (a float ``dtype``)."""
    if unknown not in UNKNOWN:
        raise ValueError(f"unknown must be one of {UNKNOWN}, not {unknown!r}")
    if unknown == "uniform" and not np.issubdtype(np.dtype(dtype), np.floating):
        raise ValueError("uniform unknown bases (0.25) need a float dtype")
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
    if unknown == "uniform":
        missing = out.sum(axis=1) == 0  # (N, L): no A, C, G or T
        out.transpose(0, 2, 1)[missing] = 0.25
    return out


def decode(onehot: np.ndarray) -> list[str]:
    """Sequences back from (N, 4, L) one-hot arrays; columns without a base at 1 (all zero, or
    uniform) become N."""
    letters = np.frombuffer(b"ACGTN", dtype=np.uint8)
    index = np.where(onehot.max(axis=1) == 1, onehot.argmax(axis=1), 4)
    return [row.tobytes().decode("ascii") for row in letters[index]]


def reverse_complement(onehot: np.ndarray) -> np.ndarray:
    """Reverse complement of (N, 4, L) one-hot arrays (ACGT order makes it a double flip)."""
    return onehot[:, ::-1, ::-1].copy()
