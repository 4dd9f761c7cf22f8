"""Attribution maps of one class, and the files that hold them: ``attributions/{class}.npz``
(one per class) and ``attributions/attribution.json`` (how they were made).

A map is *hypothetical*: (N, 4, L) contributions of every base at every position, whether
present or not (what TF-MoDISco takes); the contribution of the sequence itself is that times
the one-hot sequence (:meth:`ClassAttributions.projected`). Imports no torch: the modisco and
scoring rules read these files without it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..io import atomic_path, write_json

SUMMARY = "attribution.json"


def file_stem(name: str) -> str:
    """A class name as a file name: characters other than letters, digits, '_', '-' and '.'
    become '_'."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", str(name)) or "_"


@dataclass
class ClassAttributions:
    """Attribution maps of the sequences positive for one class."""

    class_name: str
    ids: np.ndarray  # (N,) sequence ids
    x: np.ndarray  # (N, 4, L) one-hot sequences
    hypothetical: np.ndarray  # (N, 4, L) contributions of every base
    method: str  # deep_lift_shap, ism or saliency: what made the maps
    requested: str  # the configured method (differs after a fallback)
    fallback: str  # why the configured method was not used; empty when it was

    def projected(self) -> np.ndarray:
        """(N, 4, L) contributions of the bases present (zero elsewhere)."""
        return self.hypothetical.astype(np.float32) * self.x

    def position_scores(self) -> np.ndarray:
        """(N, L) contribution of each position: the base present's (signed)."""
        return self.projected().sum(axis=1)

    def save(self, path: str | os.PathLike) -> None:
        """Store as compressed .npz (maps as float16), atomically."""
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.savez_compressed(
                handle, class_name=self.class_name, ids=self.ids.astype(str),
                x=self.x.astype(np.uint8), hypothetical=self.hypothetical.astype(np.float16),
                method=self.method, requested=self.requested, fallback=self.fallback)

    @classmethod
    def load(cls, path: str | os.PathLike) -> ClassAttributions:
        with np.load(path, allow_pickle=False) as data:
            return cls(class_name=str(data["class_name"]), ids=data["ids"],
                       x=data["x"].astype(np.float32), hypothetical=data["hypothetical"],
                       method=str(data["method"]), requested=str(data["requested"]),
                       fallback=str(data["fallback"]))


def class_path(folder: str | os.PathLike, class_name: str) -> Path:
    """Where the maps of ``class_name`` are stored in an ``attributions/`` folder."""
    return Path(folder) / f"{file_stem(class_name)}.npz"


def write_summary(folder: str | os.PathLike, summary: dict) -> None:
    """``attribution.json``: method used, fallback, classes done and skipped, settings."""
    write_json(Path(folder) / SUMMARY, summary)


def read_summary(folder: str | os.PathLike) -> dict:
    return json.loads((Path(folder) / SUMMARY).read_text())


def load_classes(folder: str | os.PathLike) -> list[ClassAttributions]:
    """The maps of every class attributed, in the order the summary lists them."""
    summary = read_summary(folder)
    return [ClassAttributions.load(class_path(folder, name)) for name in summary["classes"]]
