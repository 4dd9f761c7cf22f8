"""Logos of what attribution found: each TF-MoDISco pattern's CWM and PFM beside its JASPAR
match, an overview of the patterns, and the attribution maps of a few top sequences per class
with the embedded motifs marked. Information-content logos are logomaker's; contribution
logos (CWMs, attribution maps) tangermeme's ``plot_logo``, which draws a 200-nt map in a
fraction of logomaker's time. Patterns are drawn over the columns TomTom compares (their
trimmed query; whole where they have none)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..motifs.logos import draw_ic_logo, panel_grid, save_and_close
from ..motifs.meme import Motif, read_meme
from .attribution_maps import ClassAttributions, file_stem, load_classes, read_summary
from .ground_truth import read_instances
from .patterns import Pattern, modisco_path, read_modisco, read_pattern_table

NOT_NAMED = "not named: no match passes the calibrated call"


def draw_cwm(ax: plt.Axes, cwm: np.ndarray, title: str) -> None:
    """A contribution logo: letter heights are the mean contributions (signed)."""
    from tangermeme.plot import plot_logo

    plot_logo(np.asarray(cwm).T, ax=ax)
    ax.set_ylabel("contribution")
    ax.set_title(title, fontsize=9)


def effect(pattern: Pattern) -> str:
    """What a pattern does to its class's prediction (a negative pattern lowers it)."""
    return f"{'raises' if pattern.sign == '+' else 'lowers'} the prediction of {pattern.class_name}"


def shown_columns(pattern: Pattern, query_start, query_end) -> slice:
    """The columns drawn: the trimmed query, or the whole pattern without one."""
    if pd.isna(query_start):
        return slice(0, len(pattern.pfm))
    return slice(int(query_start), int(query_end))


def match_title(row: pd.Series, target: Motif) -> str:
    return (f"{target.name} {target.id}  E = {row['e_value']:.2g}, q = {row['q_value']:.2g}, "
            f"FDR = {row['empirical_fdr']:.2g}")


def pattern_figure(pattern: Pattern, name: pd.Series, target: Motif | None,
                   columns: slice, path: str | os.PathLike) -> None:
    """The pattern's CWM above its PFM (``columns`` of them) and, when it is named, its match
    aligned as TomTom aligned it (query column i on target column i + offset)."""
    rows = 3 if target is not None else 2
    cwm, pfm = pattern.cwm[columns], pattern.pfm[columns]
    width = len(pfm)
    if target is not None:
        match = target.pfm[::-1, ::-1] if name["orientation"] == "-" else target.pfm
        offset = int(name["offset"])
        width = max(width, len(match) - offset) - min(0, -offset)
    fig, axes = plt.subplots(rows, 1, figsize=(max(5.0, 0.35 * width + 1.5), 1.8 * rows))
    draw_cwm(axes[0], cwm, f"{pattern.id}: CWM of {len(pattern.seqlets)} seqlets "
             f"({effect(pattern)})")
    draw_ic_logo(axes[1], pfm, "PFM" + ("" if target is not None else f"; {NOT_NAMED}"))
    if target is not None:
        strand = " (reverse complement)" if name["orientation"] == "-" else ""
        draw_ic_logo(axes[2], match, match_title(name, target) + strand, first=-offset)
        left, right = min(0, -offset) - 0.6, max(len(pfm), len(match) - offset) - 0.4
        for ax in axes:
            ax.set_xlim(left, right)
    fig.tight_layout()
    save_and_close(fig, path)


def overview(patterns: list[Pattern], names: pd.DataFrame, table: pd.DataFrame,
             path: str | os.PathLike, top: int = 16) -> None:
    """CWMs of the ``top`` patterns with most seqlets, titled with their names."""
    shown = sorted(patterns, key=lambda p: -len(p.seqlets))[:top]
    fig, axes = panel_grid(len(shown), 2, (6, 1.8), "TF-MoDISco found no patterns")
    for ax, p in zip(axes, shown):
        row = names.loc[p.id]
        label = row["target_name"] if row["named"] else "not named"
        columns = shown_columns(p, *table.loc[p.id, ["query_start", "query_end"]])
        draw_cwm(ax, p.cwm[columns], f"{p.id} ({len(p.seqlets)} seqlets, {effect(p)}): {label}")
    fig.tight_layout()
    save_and_close(fig, path)


def attribution_figure(maps: ClassAttributions, instances: pd.DataFrame | None, examples: int,
                       path: str | os.PathLike) -> None:
    """The ``examples`` sequences with the largest summed contribution to the class, their
    contributions as logos, the embedded motifs (where known) shaded and named."""
    from tangermeme.plot import plot_logo

    projected = maps.projected()
    order = np.argsort(-projected.sum(axis=(1, 2)), kind="stable")[:examples]
    fig, axes = plt.subplots(len(order), 1, figsize=(16, 2.0 * len(order)), squeeze=False)
    for ax, i in zip(axes[:, 0], order):
        plot_logo(projected[i], ax=ax)
        title = f"{maps.class_name}: {maps.ids[i]} ({maps.method}; sum {projected[i].sum():.2f})"
        if instances is not None:
            here = instances[instances["sequence"] == maps.ids[i]]
            for tf, start, end in here[["tf", "start", "end"]].itertuples(index=False):
                own = tf == maps.class_name
                ax.axvspan(start - 0.5, end - 0.5, color="tab:green" if own else "grey",
                           alpha=0.2, linewidth=0)
                ax.text((start + end - 1) / 2, 1.0, tf, transform=ax.get_xaxis_transform(),
                        ha="center", va="bottom", fontsize=7)
            title += "; shaded: embedded motifs (green: this class's)"
        ax.set_title(title, fontsize=9, pad=12)
    fig.tight_layout()
    save_and_close(fig, path)


@dataclass
class PatternLogoFiles:
    """What the pattern figures are drawn from: ``modisco/``, ``patterns.tsv``,
    ``pattern_names.tsv``, ``attributions/``, the motif database, and on synthetic data the
    generator's ``regions.bed`` and ``motifs.bed`` (``truth``, else empty)."""

    modisco: str
    patterns: str
    names: str
    attributions: str
    motif_db: str
    truth: tuple[str, ...] = ()


@dataclass
class PatternLogoOutputs:
    """The figures: the ``overview`` PNG, ``patterns/<pattern>.png`` and ``maps/<class>.png``."""

    overview: str
    patterns: str
    maps: str


def draw_pattern_logos(files: PatternLogoFiles, outputs: PatternLogoOutputs, top: int = 16,
                       examples: int = 3) -> None:
    """Every figure of the module docstring."""
    table = read_pattern_table(files.patterns).set_index("pattern")
    names = pd.read_csv(files.names, sep="\t", dtype={"pattern": str}).set_index("pattern")
    patterns = [p for name in read_summary(files.attributions)["classes"]
                if modisco_path(files.modisco, name).exists()
                for p in read_modisco(modisco_path(files.modisco, name), name)]
    overview(patterns, names, table, outputs.overview, top)
    database = {m.id: m for m in read_meme(files.motif_db)}
    Path(outputs.patterns).mkdir(parents=True, exist_ok=True)
    for p in patterns:
        row = names.loc[p.id]
        target = database[row["target_id"]] if row["named"] else None
        columns = shown_columns(p, *table.loc[p.id, ["query_start", "query_end"]])
        pattern_figure(p, row, target, columns, Path(outputs.patterns) / f"{p.id}.png")
    instances = read_instances(*files.truth) if files.truth else None
    Path(outputs.maps).mkdir(parents=True, exist_ok=True)
    for maps in load_classes(files.attributions):
        attribution_figure(maps, instances, examples,
                           Path(outputs.maps) / f"{file_stem(maps.class_name)}.png")
