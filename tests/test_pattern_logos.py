"""Logos of the attribution path: one figure per pattern, an overview, and attribution maps per
class with the embedded motifs marked; no patterns still give an overview saying so."""

from __future__ import annotations

import numpy as np
import pandas as pd
from test_pattern_names import TARGETS, TOMTOM
from test_patterns import planted_maps, run

from motifnet.interpret.attribution_maps import ClassAttributions
from motifnet.interpret.pattern_logos import (
    PatternLogoFiles,
    PatternLogoOutputs,
    attribution_figure,
    draw_pattern_logos,
)
from motifnet.interpret.pattern_names import PatternFiles, name_patterns
from motifnet.motifs.naming import NamingOutputs

PNG = b"\x89PNG"


def draw(folder, truth=None) -> None:
    name_patterns(PatternFiles(folder / "patterns.meme", folder / "patterns.tsv",
                               folder / "seqlets.tsv", folder / "attributions",
                               folder / "modisco"),
                  TARGETS, TOMTOM, None,
                  NamingOutputs(folder / "pattern_tomtom.tsv", folder / "pattern_names.tsv",
                                folder / "patterns.json"))
    draw_pattern_logos(
        PatternLogoFiles(folder / "modisco", folder / "patterns.tsv",
                         folder / "pattern_names.tsv", folder / "attributions", TARGETS,
                         truth or ()),
        PatternLogoOutputs(folder / "patterns.png", folder / "pattern_logos",
                           folder / "attribution_maps"), examples=2)


def test_every_pattern_and_class_gets_its_figure(tmp_path):
    maps, _ = planted_maps()
    table = run(tmp_path, maps)
    draw(tmp_path)
    assert (tmp_path / "patterns.png").read_bytes()[:4] == PNG
    drawn = sorted(p.stem for p in (tmp_path / "pattern_logos").glob("*.png"))
    assert drawn == sorted(table["pattern"]) and drawn
    assert (tmp_path / "attribution_maps/TF_1.png").read_bytes()[:4] == PNG


def test_no_patterns_still_give_an_overview_saying_so(tmp_path):
    rng = np.random.default_rng(3)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (120, 200))].transpose(0, 2, 1)
    maps = ClassAttributions("c", np.arange(120).astype(str), x,
                             x * rng.normal(0, 0.01, (120, 1, 200)), "ism", "ism", "")
    assert run(tmp_path, maps).empty
    draw(tmp_path)
    assert (tmp_path / "patterns.png").read_bytes()[:4] == PNG
    assert not list((tmp_path / "pattern_logos").iterdir())


def test_attribution_maps_mark_the_embedded_motifs(tmp_path):
    maps, starts = planted_maps(20)
    instances = pd.DataFrame({"sequence": maps.ids, "start": starts, "end": starts + 10,
                              "tf": "TF/1"})
    attribution_figure(maps, instances, 3, tmp_path / "maps.png")
    assert (tmp_path / "maps.png").read_bytes()[:4] == PNG
