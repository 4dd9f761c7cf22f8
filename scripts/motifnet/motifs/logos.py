"""Information-content logos (logomaker): a grid of filters, and each named filter beside its
match."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import logomaker
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..io import save_figure
from .meme import information_content, read_meme
from .naming import read_names
from .pfm import FilterPFMs, read_filter_table


def ic_logo_frame(pfm: np.ndarray, first: int = 0) -> pd.DataFrame:
    """Letter heights in bits (p x IC of the column) indexed by position from ``first``."""
    heights = np.asarray(pfm) * information_content(pfm)[:, None]
    return pd.DataFrame(heights, columns=list("ACGT"), index=np.arange(first, first + len(pfm)))


def draw_ic_logo(ax: plt.Axes, pfm: np.ndarray, title: str, first: int = 0) -> None:
    """An information-content logo of ``pfm`` on ``ax``, columns numbered from ``first``."""
    logomaker.Logo(ic_logo_frame(pfm, first), ax=ax, color_scheme="classic")
    ax.set_ylim(0, 2)
    ax.set_ylabel("bits")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=9)


def save_and_close(fig: plt.Figure, path: str | os.PathLike) -> None:
    """Write a figure atomically and free it."""
    save_figure(fig, path, dpi=150)
    plt.close(fig)


def panel_grid(n: int, ncols: int, panel: tuple[float, float], empty: str
               ) -> tuple[plt.Figure, list[plt.Axes]]:
    """A figure of ``n`` panels of ``panel`` inches in at most ``ncols`` columns, unused axes
    hidden; with no panels, one axis saying ``empty``. Returns the figure and the n axes."""
    ncols = max(1, min(ncols, n))
    nrows = max(1, -(-n // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel[0] * ncols, panel[1] * nrows),
                             squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    if not n:
        axes[0, 0].text(0.5, 0.5, empty, ha="center", va="center")
    return fig, list(axes.ravel()[:n])


def logo_grid(
    pfms: Sequence[np.ndarray],
    names: Sequence[str],
    path: str | os.PathLike,
    ncols: int = 4,
    top: int = 16,
) -> list[int]:
    """Logos of the ``top`` most informative PFMs, titled by ``names``; returns their indices."""
    total_ic = [float(information_content(p).sum()) for p in pfms]
    ranked = sorted(range(len(pfms)), key=lambda i: -total_ic[i])[:top]
    fig, axes = panel_grid(len(ranked), ncols, (3.2, 1.7), "no filter PFMs")
    for ax, i in zip(axes, ranked):
        draw_ic_logo(ax, pfms[i], f"{names[i]} ({total_ic[i]:.1f} bits)")
    fig.tight_layout()
    save_and_close(fig, path)
    return ranked


def filter_vs_match(
    filter_pfm: np.ndarray,
    target_pfm: np.ndarray,
    orientation: str,
    offset: int,
    path: str | os.PathLike,
    filter_name: str = "filter",
    target_name: str = "match",
) -> None:
    """The filter's logo above its TomTom match, aligned as TomTom aligned them.

    ``orientation`` "-" shows the target's reverse complement; ``offset`` is TomTom's (query
    column i on target column i + offset), so target column j is drawn at position j - offset.
    """
    target = target_pfm[::-1, ::-1] if orientation == "-" else target_pfm
    left = min(0, -offset)
    right = max(len(filter_pfm), len(target) - offset)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(0.35 * (right - left) + 1.5, 3.6), sharex=True)
    draw_ic_logo(top, filter_pfm, filter_name)
    strand = " (reverse complement)" if orientation == "-" else ""
    draw_ic_logo(bottom, target, f"{target_name}{strand}", first=-offset)
    bottom.set_xlim(left - 0.6, right - 0.4)
    fig.tight_layout()
    save_and_close(fig, path)


def draw_filter_logos(pfm_dir: str | os.PathLike, filters_path: str | os.PathLike,
                      names_path: str | os.PathLike, motif_db: str | os.PathLike,
                      grid_path: str | os.PathLike, matches_dir: str | os.PathLike,
                      top: int = 16) -> None:
    """The ``top`` most informative filters of a model as a logo grid (titled with their
    names), and each named one among them beside its match, with the match's E- and q-value
    and empirical FDR, in ``matches_dir/<filter>.png``."""
    layers = [FilterPFMs.load(p) for p in sorted(Path(pfm_dir).glob("*.npz"))]
    ids = [i for pfms in layers for i in pfms.ids()]
    pfms = [p for pfms in layers for p in pfms.pfms()]
    names = read_names(names_path)
    query_start = read_filter_table(filters_path).set_index("id")["query_start"]
    titles = [f"{i}: {names.loc[i, 'target_name']}" if names.loc[i, "named"] else i for i in ids]
    shown = logo_grid(pfms, titles, grid_path, top=top)
    database = {m.id: m for m in read_meme(motif_db)}
    out = Path(matches_dir)
    out.mkdir(parents=True, exist_ok=True)
    for i in shown:
        row = names.loc[ids[i]]
        if not row["named"]:
            continue
        target = database[row["target_id"]]
        # TomTom aligned the query (the filter's columns from query_start on): shift to the whole
        filter_vs_match(pfms[i], target.pfm, row["orientation"],
                        int(row["offset"]) - int(query_start[ids[i]]), out / f"{ids[i]}.png",
                        ids[i], f"{target.name} {target.id}  E = {row['e_value']:.2g}, "
                        f"q = {row['q_value']:.2g}, FDR = {row['empirical_fdr']:.2g}")
