"""Figures of a model's attention, in input coordinates (each weight drawn at its window's
centre base, :mod:`motifnet.models.attention_windows`):

- ``attention_means.png``: per class, the mean attention over its positives and over its
  negatives (seed 004, Fig. 2B/3C);
- ``attention_maps/{class}.png``: the masks of the class's top sequences by prediction, the
  embedded motifs shaded where known (synthetic data);
- ``attention_motifs.png``: each class's aligned attention motif (the recipe of
  :mod:`.attention_motifs`) titled with its named call.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..models.attention_windows import AttentionGeometry
from ..motifs.logos import draw_ic_logo, panel_grid, plt, save_and_close
from ..motifs.meme import read_meme
from .attention_maps import ClassAttention, load_classes, read_geometry, read_summary
from .attribution_maps import file_stem
from .ground_truth import read_instances


def means_figure(classes: list[ClassAttention], geometry: AttentionGeometry,
                 path: str | os.PathLike) -> None:
    """Mean attention over positives and negatives, one panel per class."""
    fig, axes = panel_grid(len(classes), 4, (4.0, 2.4), "no class")
    x = geometry.centres()
    for ax, maps in zip(axes, classes):
        ax.plot(x, maps.mean_positive, color="tab:red", lw=1,
                label=f"positives ({maps.n_positive})")
        if maps.n_negative:
            ax.plot(x, maps.mean_negative, color="tab:blue", lw=1,
                    label=f"negatives ({maps.n_negative})")
        ax.axhline(1 / geometry.positions, color="grey", lw=0.6, ls=":")
        ax.set_title(maps.class_name, fontsize=9)
        ax.set_xlim(0, geometry.length - 1)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6, frameon=False, loc="upper right")
    for ax in axes[-4:]:
        ax.set_xlabel("input position (nt)", fontsize=8)
    fig.suptitle(f"mean attention per class (dotted: uniform; windows of "
                 f"{geometry.window.width} nt, stride {geometry.window.stride})", fontsize=10)
    fig.tight_layout()
    save_and_close(fig, path)


def examples_figure(maps: ClassAttention, geometry: AttentionGeometry,
                    instances: pd.DataFrame | None, examples: int,
                    path: str | os.PathLike) -> None:
    """The masks of the ``examples`` top sequences by the class's predicted logit."""
    n = max(min(examples, len(maps.top_ids)), 1)
    fig, axes = plt.subplots(n, 1, figsize=(12, 1.7 * n), squeeze=False)
    x = geometry.centres()
    for ax, i in zip(axes[:, 0], range(len(maps.top_ids))):
        weights = maps.top_weights[i]
        ax.step(x, weights, where="mid", color="black", lw=0.9)
        ax.axvline(x[weights.argmax()], color="tab:red", lw=0.8, ls="--")
        title = (f"{maps.class_name}: {maps.top_ids[i]} (logit {maps.top_logits[i]:.2f}, "
                 f"label {maps.top_labels[i]:g})")
        if instances is not None:
            here = instances[instances["sequence"] == maps.top_ids[i]]
            for tf, start, end in here[["tf", "start", "end"]].itertuples(index=False):
                own = tf == maps.class_name
                ax.axvspan(start - 0.5, end - 0.5, color="tab:green" if own else "grey",
                           alpha=0.25, linewidth=0)
                ax.text((start + end - 1) / 2, 1.0, tf, transform=ax.get_xaxis_transform(),
                        ha="center", va="bottom", fontsize=7)
            title += "; shaded: embedded motifs (green: this class's)"
        ax.set_title(title, fontsize=9, pad=11)
        ax.set_xlim(-0.5, geometry.length - 0.5)
        ax.set_ylabel("attention", fontsize=8)
    axes[-1, 0].set_xlabel("input position (nt); dashed: maximum", fontsize=8)
    fig.tight_layout()
    save_and_close(fig, path)


def motifs_figure(meme_path: str | os.PathLike, names_path: str | os.PathLike,
                  path: str | os.PathLike) -> None:
    """Each class's aligned attention motif, titled with its named call."""
    names = pd.read_csv(names_path, sep="\t", dtype={"motif": str}).set_index("motif")
    aligned = [m for m in read_meme(meme_path) if names.loc[m.id, "kind"] == "aligned"]
    fig, axes = panel_grid(len(aligned), 4, (3.6, 1.9), "no attention motif")
    for ax, motif in zip(axes, aligned):
        row = names.loc[motif.id]
        call = (f"{row['target_name']} (E {row['e_value']:.2g})" if row["named"]
                else "not named")
        draw_ic_logo(ax, motif.pfm, f"{row['class']}: {call}")
    fig.tight_layout()
    save_and_close(fig, path)


@dataclass
class AttentionFigureFiles:
    """What the attention figures are drawn from: ``attention/``, ``attention_motifs.meme``,
    ``attention_names.tsv``, and on synthetic data the generator's ``regions.bed`` and
    ``motifs.bed`` (``truth``, else empty)."""

    attention: str
    meme: str
    names: str
    truth: tuple[str, ...] = ()


@dataclass
class AttentionFigureOutputs:
    """The figures: ``means`` and ``motifs`` PNGs, and ``maps/<class>.png``."""

    means: str
    motifs: str
    maps: str


def draw_attention(files: AttentionFigureFiles, outputs: AttentionFigureOutputs,
                   examples: int = 3) -> None:
    """Every figure of the module docstring."""
    geometry = read_geometry(read_summary(files.attention))
    classes = load_classes(files.attention)
    means_figure(classes, geometry, outputs.means)
    instances = read_instances(*files.truth) if files.truth else None
    Path(outputs.maps).mkdir(parents=True, exist_ok=True)
    for maps in classes:
        examples_figure(maps, geometry, instances, examples,
                        Path(outputs.maps) / f"{file_stem(maps.class_name)}.png")
    motifs_figure(files.meme, files.names, outputs.motifs)
