"""Genomic Benchmarks (Grešová et al. 2023) by name: coordinates fetched, checked, extracted.

A benchmark is a folder ``<url>/<name>/`` holding ``metadata.yaml`` (``version``; per class
the reference FASTA it was made on) and ``{train,test}/<class>.csv.gz`` with columns ``id,
region, start, end, strand`` (0-based, end-exclusive; ``-`` strand reverse-complemented).
The published folders live in the ML-Bioinfo-CEITEC/genomic_benchmarks repository. Region
names follow UCSC (``chr1``) while the references are Ensembl FASTAs (``1``): names are
resolved against each genome by :mod:`.chromosomes`.
"""

from __future__ import annotations

import csv
import logging
import os
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..errors import InputError
from ..io import atomic_write, open_text
from .chromosomes import describe_renaming, resolve_names
from .download import download, missing_files
from .extract import extract_labelled, length_notes, read_chrom_sizes
from .intervals import LabelledIntervals, load_intervals
from .kinds import BENCHMARK_CLASS_COLUMN

log = logging.getLogger(__name__)

OFFICIAL_SPLITS = ("train", "test")
COLUMNS = ("id", "region", "start", "end", "strand")
# (train, test) intervals of the published version 0, from the package's tests/test_info.py.
OFFICIAL_COUNTS = {
    "human_nontata_promoters": (27097, 9034),
    "demo_coding_vs_intergenomic_seqs": (75000, 25000),
    "demo_human_or_worm": (75000, 25000),
    "drosophila_enhancers_stark": (5184, 1730),
    "dummy_mouse_enhancers_ensembl": (968, 242),
    "human_enhancers_cohn": (20843, 6948),
    "human_enhancers_ensembl": (123872, 30970),
    "human_ocr_ensembl": (139804, 34952),
    "human_ensembl_regulatory": (231348, 57713),
}


def read_metadata(path: str | os.PathLike, name: str, version: int) -> dict:
    """Parse ``metadata.yaml``; refuse another version than the config's, or no classes."""
    try:
        with open(path) as handle:
            metadata = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise InputError(f"not valid YAML ({error})", path=path,
                         hint="the download is corrupt: delete the file and rerun") from None
    if not isinstance(metadata, dict) or not isinstance(metadata.get("classes"), dict) \
            or not metadata["classes"]:
        raise InputError("no 'classes' in the benchmark metadata", path=path,
                         hint=f"check that '{name}' is a Genomic Benchmarks dataset folder")
    if metadata.get("version") != version:
        raise InputError(
            f"benchmark '{name}' is version {metadata.get('version')}, the config asks for "
            f"version {version}", path=path, key="genomic_benchmark.version",
            hint=f"set genomic_benchmark.version: {metadata.get('version')} to use this "
            "version (published results refer to the version they name)",
        )
    return metadata


def read_classes(path: str | os.PathLike) -> list[str]:
    """Class names of a cached ``metadata.yaml``; none when it is absent or unreadable."""
    try:
        with open(path) as handle:
            return list((yaml.safe_load(handle) or {}).get("classes") or {})
    except (OSError, yaml.YAMLError, AttributeError):
        return []


def coordinate_files(url: str, name: str, classes: list[str],
                     directory: str | os.PathLike) -> list[tuple[str, str, str, Path]]:
    """(split, class, url, local path) of every coordinate file of a benchmark."""
    return [(split, cls, f"{url}/{name}/{split}/{cls}.csv.gz",
             Path(directory) / split / f"{cls}.csv.gz")
            for split in OFFICIAL_SPLITS for cls in classes]


def fetch(name: str, version: int, url: str, directory: str | os.PathLike,
          offline: bool = False) -> tuple[dict, list[tuple[str, str, str, Path]]]:
    """Download (or reuse from ``directory``) a benchmark's metadata and coordinate files."""
    url = url.rstrip("/")
    meta = (f"{url}/{name}/metadata.yaml", Path(directory) / "metadata.yaml")
    if offline and (error := missing_files([meta])):
        raise error
    metadata = read_metadata(download(*meta, offline=offline), name, version)
    files = coordinate_files(url, name, list(metadata["classes"]), directory)
    if offline and (error := missing_files([(u, p) for _, _, u, p in files])):
        raise error
    for _, _, file_url, path in files:
        download(file_url, path, offline=offline)
    return metadata, files


def fetch_coordinates(name: str, version: int, url: str, bed: str | os.PathLike,
                      offline: bool = False) -> pd.DataFrame:
    """Fetch a benchmark into the folder of ``bed`` and write its coordinates there as BED6 +
    class + split (:func:`write_bed`); returns the coordinates."""
    metadata, files = fetch(name, version, url, Path(bed).parent, offline=offline)
    for cls, spec in metadata["classes"].items():
        log.info("class %s was made on %s", cls, (spec or {}).get("url", "(not recorded)"))
    table = coordinates_table(name, version, files)
    write_bed(table, bed)
    counts = table.groupby(["split", "cls"]).size()
    log.info("%s v%d: %s", name, version,
             ", ".join(f"{s}/{c} {n}" for (s, c), n in counts.items()))
    return table


def read_coordinates(path: str | os.PathLike) -> pd.DataFrame:
    """Read one coordinate CSV (gzipped), checking every line; errors name the line."""
    path = str(path)
    rows, lines, seen = [], [], {}
    number = 1
    try:
        with open_text(path) as handle:
            reader = csv.reader(handle)
            header = [c.strip() for c in next(reader, [])]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise InputError(f"columns {missing} missing from the header {header}",
                                 path=path, line=1,
                                 hint=f"coordinate files have the columns {', '.join(COLUMNS)}")
            index = [header.index(c) for c in COLUMNS]
            for number, cols in enumerate(reader, start=2):
                if not cols:
                    continue
                if len(cols) != len(header):
                    raise InputError(f"{len(cols)} fields, the header has {len(header)}",
                                     path=path, line=number, hint="the file is damaged: "
                                     "delete it and rerun to download it again")
                rows.append([_field(cols[i], c, path, number) for i, c in zip(index, COLUMNS)])
                lines.append(number)
                if rows[-1][0] in seen:
                    raise InputError(f"id '{rows[-1][0]}' repeats line {seen[rows[-1][0]]}",
                                     path=path, line=number, hint="ids must be unique per file")
                seen[rows[-1][0]] = number
    except (EOFError, OSError, UnicodeDecodeError, zlib.error, csv.Error) as error:
        raise InputError(f"unreadable after line {number} ({error})", path=path,
                         line=number + 1, hint="the file is truncated or not gzip: delete it "
                         "and rerun to download it again") from None
    if not rows:
        raise InputError("no intervals in the file", path=path,
                         hint="delete it and rerun to download it again")
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["line"] = lines
    return frame


def _field(value: str, column: str, path: str, line: int):
    value = value.strip()
    if column in ("start", "end"):
        try:
            number = int(value)
        except ValueError:
            raise InputError(f"{column} '{value}' is not an integer", path=path, line=line,
                             hint="the file is damaged: delete it and rerun") from None
        if number < 0:
            raise InputError(f"{column} {number} is negative", path=path, line=line,
                             hint="coordinates are 0-based and non-negative")
        return number
    if column == "strand" and value not in ("+", "-"):
        raise InputError(f"strand '{value}' is not + or -", path=path, line=line,
                         hint="the file is damaged: delete it and rerun")
    if not value:
        raise InputError(f"empty {column}", path=path, line=line,
                         hint="the file is damaged: delete it and rerun")
    return value


def coordinates_table(name: str, version: int,
                      files: list[tuple[str, str, str, Path]]) -> pd.DataFrame:
    """All coordinate files as one table with ``class`` and ``split`` columns."""
    frames = []
    for split, cls, _, path in files:
        frame = read_coordinates(path)
        bad = frame["start"] >= frame["end"]
        if bad.any():
            raise InputError(f"start is not below end ({frame.loc[bad].iloc[0].to_dict()})",
                             path=path, line=int(frame.loc[bad, "line"].iloc[0]),
                             hint="the file is damaged: delete it and rerun")
        frames.append(frame.assign(cls=cls, split=split))
    table = pd.concat(frames, ignore_index=True)
    counts = tuple(int((table["split"] == s).sum()) for s in OFFICIAL_SPLITS)
    expected = OFFICIAL_COUNTS.get(name) if version == 0 else None
    if expected and counts != expected:
        raise InputError(
            f"benchmark '{name}' version 0 has {counts[0]} train and {counts[1]} test "
            f"intervals here, the published one {expected[0]} and {expected[1]}",
            path=files[0][3].parent.parent,
            hint="the downloaded files differ from the published version: delete the folder "
            "and rerun, or check genomic_benchmark.url",
        )
    return table


def write_bed(table: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write the coordinates as BED6 + class + split (the layout of
    :data:`~.kinds.BENCHMARK_CLASS_COLUMN`); names are ``split/class/id``."""
    bed = pd.DataFrame({
        "chrom": table["region"], "start": table["start"], "end": table["end"],
        "name": table["split"] + "/" + table["cls"] + "/" + table["id"], "score": 0,
        "strand": table["strand"], "class": table["cls"], "split": table["split"],
    })
    with atomic_write(path) as handle:
        bed.to_csv(handle, sep="\t", header=False, index=False)


def genome_of_rows(classes: pd.Series, overrides: dict[str, str], default: str) -> np.ndarray:
    """The genome of each interval: its class's entry in ``overrides``, else ``default``."""
    unknown = sorted(set(overrides) - set(classes))
    if unknown:
        raise InputError(f"{unknown} are not classes of this benchmark "
                         f"(it has {sorted(set(classes))})", key="genomic_benchmark.genomes",
                         hint="name the benchmark's classes, as in its metadata.yaml")
    return classes.map(lambda c: overrides.get(c, default)).to_numpy()


def extract_by_genome(labelled: LabelledIntervals, row_genomes: np.ndarray,
                      genomes: dict[str, tuple[str, str]], length: int, policy: str,
                      max_dropped_fraction: float,
                      source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Extract each interval from its genome (``row_genomes[i]`` names a key of ``genomes``,
    which maps to ``(fasta, fai)``), resolving chromosome names; rows keep their order."""
    tables, dropped = [], []
    for genome, (fasta, fai) in genomes.items():
        rows = np.flatnonzero(row_genomes == genome)
        if not len(rows):
            continue
        frame = labelled.frame.iloc[rows].reset_index(drop=True)
        renaming = resolve_names(frame["chrom"], read_chrom_sizes(fai))
        log.info("%s: %s", genome, describe_renaming(renaming))
        frame["chrom"] = frame["chrom"].map(renaming)
        table, lost = extract_labelled(
            fasta, fai, LabelledIntervals(frame, labelled.y[rows], labelled.classes), length,
            policy, max_dropped_fraction, source)
        tables.append(table)
        dropped.append(lost.assign(genome=genome))
    # ids are unique (assign_ids), so they restore the input order across genomes
    table = pd.concat(tables, ignore_index=True)
    order = pd.Index(labelled.frame["id"]).get_indexer(table["id"])
    return table.iloc[np.argsort(order, kind="stable")].reset_index(drop=True), pd.concat(
        dropped, ignore_index=True)


def extract_benchmark(spec: dict, genome: str, class_genomes: dict[str, str],
                      genome_files: dict[str, tuple[str, str]], *, task: str, length: int,
                      resize: str, max_dropped_fraction: float
                      ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The sequence table of a benchmark's coordinates (the intervals ``spec`` of its BED),
    each class extracted from its genome (``class_genomes``, else ``genome``), the dropped
    intervals, and notes for ``encoding.json``."""
    labelled = load_intervals(spec, task)
    classes = pd.read_csv(spec["bed"], sep="\t", header=None, usecols=[BENCHMARK_CLASS_COLUMN - 1],
                          dtype=str, keep_default_na=False).iloc[:, 0]
    notes = length_notes(labelled.frame, length, resize)
    return (*extract_by_genome(labelled, genome_of_rows(classes, class_genomes, genome),
                               genome_files, length, resize, max_dropped_fraction, spec["bed"]),
            notes)


def planned_downloads(name: str, url: str, folder: str | os.PathLike) -> list[tuple[str, str]]:
    """(url, path) of a benchmark's files not yet fetched into ``folder``: its metadata, and
    the coordinate files that a cached metadata names."""
    folder = Path(folder)
    if (folder / "coordinates.bed").exists():
        return []
    url = url.rstrip("/")
    files = [(f"{url}/{name}/metadata.yaml", str(folder / "metadata.yaml"))]
    classes = read_classes(folder / "metadata.yaml")
    return files + [(file_url, str(path))
                    for _, _, file_url, path in coordinate_files(url, name, classes, folder)]
