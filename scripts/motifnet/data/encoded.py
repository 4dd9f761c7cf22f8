"""The encoded-dataset contract: ``{split}.npz`` arrays and the ``encoding.json`` beside them.

Each ``{train,val,test}.npz`` holds ``x`` (N, 4, L; float32 or uint8; channels A, C, G, T),
``y`` (N, K; uint8) and ``ids`` (N; str). ``encoding.json`` records the task, class names,
length, dtype, counts per class and split, and the exact source files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..io import atomic_path
from .download import sha256sum


@dataclass
class EncodedSplit:
    """One split of an encoded dataset."""

    x: np.ndarray
    y: np.ndarray
    ids: np.ndarray


def save_split(path: str | os.PathLike, split: EncodedSplit) -> None:
    """Write a split atomically as an uncompressed ``.npz`` (fast to load)."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            np.savez(handle, x=split.x, y=split.y, ids=split.ids)


def load_split(path: str | os.PathLike) -> EncodedSplit:
    """Read a split written by :func:`save_split`."""
    with np.load(path, allow_pickle=False) as data:
        return EncodedSplit(x=data["x"], y=data["y"], ids=data["ids"])


def load_encoding(path: str | os.PathLike) -> dict:
    """Read ``encoding.json``."""
    return json.loads(Path(path).read_text())


def file_record(path: str | os.PathLike) -> dict:
    """Path, size and sha256 of a source file, for provenance."""
    return {"path": str(path), "bytes": os.path.getsize(path), "sha256": sha256sum(path)}
