"""Attention motifs (seed 004's recipe), their names, and attention scored against the
embedded motifs of synthetic data.

The recipe, per class: the ``top_sequences`` sequences with the highest predicted logit for
the class (seed 004: 100), the ``width`` bases (seed 004: 10) centred on the input window of
each one's maximum-attention position (:mod:`motifnet.models.attention_windows`), aligned
into a PFM. The seed averages the windows as cut; the embedded motifs lie on either strand, so
here each window is first turned to the strand that agrees better with the PFM of the others
(a few rounds of reassignment, starting from the top sequence's strand). The seed's variant
adds "the top 3 recurring sequences attended to": the ``recurring`` most frequent window
sequences (a window and its reverse complement counted together, seen at least twice), each
a PFM of its copies. All are named as one group by the calibrated call of
:mod:`motifnet.motifs.naming` (E-value, empirical FDR against column-shuffled copies,
information), in :func:`name_motifs`.

Attention scores on synthetic data (because attention is not always explanation): for each
class, over the sequences attributed for it, the fraction whose maximum-attention position
(its window's centre base) lies on an embedded motif of the class, beside the chance rate of
a uniform mask (the mean fraction of positions whose centre lies on one: the argmax of a flat
mask is any position; a one-sided binomial test) and beside the same fraction for the
attribution maps of the same model and sequences (the base with the largest absolute
attribution; McNemar's exact test of the sequences where only one of the two hits).

Outputs: ``attention_motifs.meme``, ``attention_tomtom.tsv`` (TomTom table),
``attention_names.tsv`` (one row per motif: class, kind, sequences, named call) and
``attention_motifs.json`` (merged into ``learned.json`` under ``attention``).
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from ..io import write_json, write_tsv
from ..models.attention_windows import AttentionGeometry
from ..motifs.meme import Motif, write_meme
from ..motifs.naming import name_queries
from ..motifs.scoring import NAME_COLUMNS
from .attention_maps import ClassAttention, load_classes, read_geometry, read_summary
from .attribution_maps import ClassAttributions, file_stem
from .attribution_maps import load_classes as load_attributions
from .attribution_maps import read_summary as read_attribution_summary
from .ground_truth import position_mask, read_instances

log = logging.getLogger(__name__)

ORIENT_ROUNDS = 5
MOTIF_COLUMNS = ["motif", "class", "kind", "sequences", *NAME_COLUMNS]
GROUP = "attention"


def cut_windows(x: np.ndarray, weights: np.ndarray, geometry: AttentionGeometry,
                width: int) -> np.ndarray:
    """(n, 4, width) the bases around each sequence's maximum-attention position."""
    starts = geometry.cut(weights.argmax(axis=1), width)
    return np.stack([seq[:, s:s + width] for seq, s in zip(x, starts)]).astype(np.float64)


def revcomp(windows: np.ndarray) -> np.ndarray:
    """Reverse complements of one-hot (n, 4, W) windows (A, C, G, T order)."""
    return windows[:, ::-1, ::-1]


def oriented(windows: np.ndarray, rounds: int = ORIENT_ROUNDS) -> np.ndarray:
    """Each window on the strand whose bases the PFM of all (as oriented) scores higher,
    starting from the first window's strand and reassigning ``rounds`` times at most."""
    reverse = revcomp(windows)
    flip = np.zeros(len(windows), dtype=bool)
    reference = windows[0]
    for step in range(rounds):
        logp = np.log(reference + 0.25)
        new = (reverse * logp).sum(axis=(1, 2)) > (windows * logp).sum(axis=(1, 2))
        if step and (new == flip).all():
            break
        flip = new
        reference = np.where(flip[:, None, None], reverse, windows).mean(axis=0)
    return np.where(flip[:, None, None], reverse, windows)


def window_pfm(windows: np.ndarray) -> np.ndarray:
    """(W, 4) base frequencies of one-hot (n, 4, W) windows (a uniform column where a window
    ran past an N)."""
    counts = windows.sum(axis=0).T
    totals = counts.sum(axis=1, keepdims=True)
    return np.where(totals > 0, counts / np.maximum(totals, 1e-12), 0.25)


def recurring_windows(windows: np.ndarray, n: int) -> list[tuple[int, np.ndarray]]:
    """The ``n`` most frequent window sequences seen at least twice (a window and its reverse
    complement count as one; first seen first on ties): (copies, PFM) each."""
    keys = []
    for window in windows:
        forward, reverse = window.tobytes(), revcomp(window[None])[0].copy().tobytes()
        keys.append(min(forward, reverse))
    counts = Counter(keys)
    order = sorted(counts, key=lambda k: (-counts[k], keys.index(k)))
    chosen = [k for k in order if counts[k] >= 2][:n]
    return [(counts[k], window_pfm(windows[[key == k for key in keys]])) for k in chosen]


def class_motifs(maps: ClassAttention, geometry: AttentionGeometry, width: int,
                 recurring: int) -> list[tuple[Motif, str, int]]:
    """The aligned motif of a class and its recurring ones: (motif, kind, sequences) each."""
    if not len(maps.top_ids):
        return []
    windows = cut_windows(maps.top_x, maps.top_weights, geometry, width)
    stem = file_stem(maps.class_name)
    found = [(Motif(f"{stem}_aligned", maps.class_name, window_pfm(oriented(windows)),
                    nsites=len(windows)), "aligned", len(windows))]
    for i, (copies, pfm) in enumerate(recurring_windows(windows, recurring), start=1):
        found.append((Motif(f"{stem}_recurring{i}", maps.class_name, pfm, nsites=copies),
                      "recurring", copies))
    return found


def _on_motif(positions: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Whether ``positions`` (N,) fall on ``mask`` (N, L)."""
    return mask[np.arange(len(positions)), positions]


def hit_scores(maps: ClassAttention, geometry: AttentionGeometry, instances: pd.DataFrame,
               attributions: ClassAttributions | None) -> dict:
    """Max-attention-on-motif fractions of one class beside chance and attribution."""
    length = geometry.length
    own = position_mask(instances[instances["tf"] == maps.class_name], maps.ids, length)
    anywhere = position_mask(instances, maps.ids, length)
    centres = geometry.centres()
    peaks = centres[maps.weights.argmax(axis=1)] if len(maps.ids) else np.zeros(0, int)
    result = {"sequences": len(maps.ids),
              "on_own_motif": _fraction(_on_motif(peaks, own)),
              "on_any_motif": _fraction(_on_motif(peaks, anywhere)),
              "chance_own": _fraction(own[:, centres].mean(axis=1)),
              "chance_any": _fraction(anywhere[:, centres].mean(axis=1))}
    if attributions is not None:
        row = {sequence: i for i, sequence in enumerate(attributions.ids)}
        keep = [i for i, sequence in enumerate(maps.ids) if sequence in row]
        scores = np.abs(attributions.position_scores()[[row[maps.ids[i]] for i in keep]])
        best = scores.argmax(axis=1) if keep else np.zeros(0, int)
        attention_hit = _on_motif(peaks[keep], own[keep])
        attribution_hit = _on_motif(best, own[keep])
        result.update({"attribution_sequences": len(keep),
                       "attribution_on_own_motif": _fraction(attribution_hit),
                       "attribution_on_any_motif": _fraction(_on_motif(best, anywhere[keep])),
                       "attribution_chance_own": _fraction(own[keep].mean(axis=1)),
                       # discordant pairs, for McNemar's test of attention against attribution
                       "attention_only": int((attention_hit & ~attribution_hit).sum()),
                       "attribution_only": int((attribution_hit & ~attention_hit).sum())})
    return result


def _fraction(values: np.ndarray) -> float | None:
    return float(np.mean(values)) if len(values) else None


def hit_summary(per_class: dict, attribution_method: str | None) -> dict:
    """Means over the sequences of every class, tests and what they say, in words: attention
    against chance (one-sided binomial tests of the hits at the pooled chance rate) and against
    attribution on the same sequences (McNemar's exact test of the discordant pairs)."""
    def pooled(key: str, weight: str = "sequences") -> float | None:
        pairs = [(c[key], c[weight]) for c in per_class.values()
                 if c.get(key) is not None and c.get(weight)]
        total = sum(n for _, n in pairs)
        return float(sum(v * n for v, n in pairs) / total) if total else None

    summary = {key: pooled(key) for key in
               ("on_own_motif", "on_any_motif", "chance_own", "chance_any")}
    n = sum(c["sequences"] for c in per_class.values() if c["on_own_motif"] is not None)
    if n:
        hits = round(summary["on_own_motif"] * n)
        summary["p_above_chance"] = float(
            binomtest(hits, n, summary["chance_own"], alternative="greater").pvalue)
        summary["p_below_chance"] = float(
            binomtest(hits, n, summary["chance_own"], alternative="less").pvalue)
    if attribution_method:
        summary["attribution_method"] = attribution_method
        for key in ("attribution_on_own_motif", "attribution_on_any_motif",
                    "attribution_chance_own"):
            summary[key] = pooled(key, "attribution_sequences")
        only = [sum(c.get(key, 0) for c in per_class.values())
                for key in ("attention_only", "attribution_only")]
        summary["attention_only"], summary["attribution_only"] = only
        summary["p_attention_vs_attribution"] = (
            float(binomtest(min(only), sum(only), 0.5).pvalue) if sum(only) else 1.0)
    summary["verdict"] = verdict(summary)
    summary["per_class"] = per_class
    return summary


def verdict(summary: dict, alpha: float = 0.05) -> str:
    """One plain sentence: attention's hit rate against chance and against attribution, called
    better or worse only where the test says so at ``alpha``."""
    hit, chance = summary["on_own_motif"], summary["chance_own"]
    if hit is None:
        return "no attributed sequence with embedded motifs to score"
    above, below = summary["p_above_chance"], summary["p_below_chance"]
    if above < alpha:
        than_chance = "better than chance"
    elif below < alpha:
        than_chance = "worse than chance"
    else:
        than_chance = "no better than chance"
    words = (f"the maximum attention falls on an embedded motif of the class in {hit:.0%} of "
             f"positives; a uniform mask would in {chance:.0%}, so attention does "
             f"{than_chance} (binomial p = {min(above, below):.2g})")
    other = summary.get("attribution_on_own_motif")
    if other is not None:
        p = summary["p_attention_vs_attribution"]
        if p >= alpha:
            than = "no differently from"
        else:
            than = "better than" if hit > other else "worse than"
        words += (f", and {than} the maximum of the {summary['attribution_method']} maps of "
                  f"the same sequences ({other:.0%}; McNemar p = {p:.2g})")
    return words


def own_class_recovery(names: pd.DataFrame) -> list[str]:
    """Classes with a motif of their own named after the class's ground-truth TF."""
    named = names[names["named"] & names["ground_truth"].notna()]
    return sorted({tf for cls, tf in zip(named["class"], named["ground_truth"]) if cls == tf})


@dataclass
class AttentionMotifFiles:
    """What attention motifs come from: the ``attention/`` folder, the ``attributions/``
    folder where attribution ran (else empty), and on synthetic data the generator's
    ``regions.bed`` and ``motifs.bed`` (``truth``, else empty)."""

    attention: str
    attributions: tuple[str, ...] = ()
    truth: tuple[str, ...] = ()


@dataclass
class AttentionMotifOutputs:
    """``attention_motifs.meme``, the TomTom table, the names table and the scores."""

    meme: str
    matches: str
    names: str
    scores: str


def name_motifs(motifs: list[Motif], motif_db: str | os.PathLike, settings: Mapping,
                ground_truth: Mapping[str, str] | None, matches_path: str | os.PathLike,
                threads: int | None = None) -> tuple[pd.DataFrame, dict]:
    """The calibrated named call of a model's attention motifs, as one group (the config's
    ``tomtom`` ``settings``; :func:`motifnet.motifs.naming.name_queries`): one row per
    motif, and the scores. Writes the TomTom table."""
    naming = name_queries(motifs, {GROUP: [m.id for m in motifs]}, motif_db, settings,
                          ground_truth, matches_path, id_column="motif", unit="motifs",
                          threads=threads)
    scores = {"engine": naming.engine, "not_compared": naming.not_compared,
              **naming.scores[GROUP]}
    return naming.names.drop(columns="group"), scores


def attention_motifs(files: AttentionMotifFiles, motif_db: str | os.PathLike, settings: dict,
                     tomtom: dict, ground_truth: Mapping[str, str] | None,
                     outputs: AttentionMotifOutputs, threads: int | None = None) -> dict:
    """Make, name and score a model's attention motifs (``settings``: the config's
    ``motifs.attention``), and with ground-truth files score its attention maps against the
    embedded motifs (beside its attribution maps where attribution ran); writes the four
    outputs of the module docstring and returns the scores."""
    made = read_summary(files.attention)
    geometry = read_geometry(made)
    classes = load_classes(files.attention)
    found = [item for maps in classes for item in
             class_motifs(maps, geometry, settings["width"], settings["recurring"])]
    motifs = [motif for motif, _, _ in found]
    write_meme(outputs.meme, motifs)
    names, scores = name_motifs(motifs, motif_db, tomtom, ground_truth, outputs.matches,
                                threads)
    names.insert(1, "class", [m.name for m in motifs])
    names.insert(2, "kind", [kind for _, kind, _ in found])
    names.insert(3, "sequences", [n for _, _, n in found])
    write_tsv(outputs.names, names[MOTIF_COLUMNS], float_format="%.6g")
    scores = {"model": made["model"], "geometry": made["geometry"],
              "settings": dict(settings), "classes": made["classes"], **scores}
    if ground_truth:
        aligned = names[names["kind"] == "aligned"]
        scores["ground_truth"]["recovered_by_own_class"] = own_class_recovery(names)
        scores["ground_truth"]["recovered_aligned"] = sorted(
            set(aligned.loc[aligned["named"], "ground_truth"].dropna()))
    if files.truth:
        instances = read_instances(*files.truth)
        attributed, method = {}, None
        if files.attributions:
            folder = files.attributions[0]
            attributed = {m.class_name: m for m in load_attributions(folder)}
            method = read_attribution_summary(folder)["method"]
        per_class = {maps.class_name: hit_scores(maps, geometry, instances,
                                                 attributed.get(maps.class_name))
                     for maps in classes}
        scores["max_attention"] = hit_summary(per_class, method)
        log.info("%s", scores["max_attention"]["verdict"])
    write_json(outputs.scores, scores)
    return scores
