"""Attention maps of one class, and the files that hold them: ``attention/{class}.npz`` (one per
class) and ``attention/attention.json`` (the model's attention geometry and how the maps were
made). Imports no torch: the naming and figure rules read these files without it.

A class's file holds, over the split's sequences: the attention weights (P positions, one map
per sequence shared by all outputs; :mod:`motifnet.models.attention_windows` maps positions to
input bases) of the sequences attributed for the class (``ids``, ``weights``); the mean
weights over the class's positives and negatives; and the ``top`` sequences by the class's
predicted logit with their weights (the attention recipe's input).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..io import atomic_path, write_json
from ..models.attention_windows import AttentionGeometry, Window
from .attribution_maps import file_stem

SUMMARY = "attention.json"


@dataclass
class ClassAttention:
    """The attention maps of one class."""

    class_name: str
    ids: np.ndarray  # (N,) the sequences attributed for the class (positives)
    weights: np.ndarray  # (N, P)
    mean_positive: np.ndarray  # (P,) over every positive of the split
    mean_negative: np.ndarray  # (P,) over every negative of the split (NaN when none)
    n_positive: int
    n_negative: int
    top_ids: np.ndarray  # (n,) highest predicted logit first
    top_logits: np.ndarray  # (n,)
    top_labels: np.ndarray  # (n,) the class's label
    top_x: np.ndarray  # (n, 4, L) one-hot
    top_weights: np.ndarray  # (n, P)

    def save(self, path: str | os.PathLike) -> None:
        """Store as compressed .npz (weights as float32), atomically."""
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.savez_compressed(
                handle, class_name=self.class_name, ids=self.ids.astype(str),
                weights=self.weights.astype(np.float32),
                mean_positive=self.mean_positive.astype(np.float32),
                mean_negative=self.mean_negative.astype(np.float32),
                n_positive=self.n_positive, n_negative=self.n_negative,
                top_ids=self.top_ids.astype(str), top_logits=self.top_logits.astype(np.float32),
                top_labels=self.top_labels.astype(np.float32),
                top_x=self.top_x.astype(np.uint8), top_weights=self.top_weights.astype(np.float32))

    @classmethod
    def load(cls, path: str | os.PathLike) -> ClassAttention:
        with np.load(path, allow_pickle=False) as data:
            return cls(class_name=str(data["class_name"]), ids=data["ids"],
                       weights=data["weights"], mean_positive=data["mean_positive"],
                       mean_negative=data["mean_negative"], n_positive=int(data["n_positive"]),
                       n_negative=int(data["n_negative"]), top_ids=data["top_ids"],
                       top_logits=data["top_logits"], top_labels=data["top_labels"],
                       top_x=data["top_x"], top_weights=data["top_weights"])


def class_path(folder: str | os.PathLike, class_name: str) -> Path:
    """Where the attention maps of ``class_name`` are stored in an ``attention/`` folder."""
    return Path(folder) / f"{file_stem(class_name)}.npz"


def write_summary(folder: str | os.PathLike, summary: dict) -> None:
    """``attention.json``: model, geometry, classes, sequences, settings."""
    write_json(Path(folder) / SUMMARY, summary)


def read_summary(folder: str | os.PathLike) -> dict:
    return json.loads((Path(folder) / SUMMARY).read_text())


def read_geometry(summary: dict) -> AttentionGeometry:
    """The attention geometry recorded in ``attention.json``."""
    g = summary["geometry"]
    return AttentionGeometry(Window(g["width"], g["stride"], g["offset"]), g["positions"],
                             g["length"])


def load_classes(folder: str | os.PathLike) -> list[ClassAttention]:
    """The attention maps of every class, in the order the summary lists them."""
    return [ClassAttention.load(class_path(folder, name))
            for name in read_summary(folder)["classes"]]
