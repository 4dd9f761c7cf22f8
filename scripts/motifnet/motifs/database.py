"""The motif database for TomTom: JASPAR from pyjaspar's bundled SQLite, or a user MEME file,
and beside it, as an index sits beside a FASTA, its TF families (``<name>.families.tsv``: one
row per matrix id and JASPAR family; no rows for a user MEME file, whose families are unknown).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .meme import Motif, read_meme_file, write_meme

log = logging.getLogger(__name__)

JASPAR_URL = "https://jaspar.elixir.no/matrix/{}/"
FAMILY_COLUMNS = ["matrix_id", "family"]


def jaspar_releases() -> list[str]:
    """JASPAR releases shipped inside the installed pyjaspar wheel (no download)."""
    from pyjaspar import jaspar_releases as releases

    return sorted(releases)


def _connect(release: str) -> sqlite3.Connection:
    from pyjaspar import jaspar_releases as releases
    from pyjaspar.utils import get_jaspardb_path

    if release not in releases:
        raise InputError(
            f"unknown JASPAR release '{release}'; valid: {jaspar_releases()}",
            key="motif_db.release",
        )
    return sqlite3.connect(f"file:{get_jaspardb_path(releases[release])}?mode=ro", uri=True)


def jaspar_choices(release: str) -> tuple[list[str], list[str]]:
    """(collections, taxonomic groups) present in a JASPAR release."""
    with _connect(release) as conn:
        collections = [r[0] for r in conn.execute("SELECT DISTINCT COLLECTION FROM MATRIX")]
        taxa = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT VAL FROM MATRIX_ANNOTATION WHERE TAG = 'tax_group'"
            )
        ]
    return sorted(collections), sorted(taxa)


def fetch_jaspar(
    release: str = "JASPAR2024", collection: str = "CORE", taxon: str | None = "vertebrates"
) -> list[Motif]:
    """Latest versions of a JASPAR collection (one taxonomic group; all when ``taxon`` is None)."""
    from pyjaspar import jaspardb

    collections, taxa = jaspar_choices(release)
    if collection not in collections:
        raise InputError(
            f"JASPAR collection '{collection}' is not in {release}; valid: {collections}",
            key="motif_db.collection",
        )
    if taxon is not None and taxon not in taxa:
        raise InputError(
            f"JASPAR taxonomic group '{taxon}' is not in {release}; valid: {taxa}",
            key="motif_db.taxon",
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        records = jaspardb(release=release).fetch_motifs(
            collection=collection, tax_group=None if taxon is None else [taxon]
        )
    motifs = []
    for record in records:
        counts = np.array([record.counts[b] for b in "ACGT"], dtype=np.float64).T
        motifs.append(
            Motif(
                id=record.matrix_id,
                name=record.name,
                pfm=counts / counts.sum(axis=1, keepdims=True),
                nsites=int(np.rint(counts.sum(axis=1).max())),
                url=JASPAR_URL.format(record.matrix_id),
            )
        )
    return sorted(motifs, key=lambda m: m.id)


def jaspar_families(release: str, ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """JASPAR's TF family annotations of each matrix id (``MA0466.2``) of ``ids`` (a dimer's
    two families, once each; none where the release gives none)."""
    wanted = set(ids)
    with _connect(release) as conn:
        rows = conn.execute(
            "SELECT m.BASE_ID || '.' || m.VERSION, a.VAL FROM MATRIX m "
            "JOIN MATRIX_ANNOTATION a ON a.ID = m.ID WHERE a.TAG = 'family'"
        ).fetchall()
    families: dict[str, tuple[str, ...]] = {}
    for matrix_id, value in rows:
        if matrix_id in wanted:
            names = [family.strip() for family in str(value).split("::") if family.strip()]
            families[matrix_id] = tuple(dict.fromkeys([*families.get(matrix_id, ()), *names]))
    return families


def families_path(motif_db: str | os.PathLike) -> Path:
    """Where the TF families of a motif database's MEME file are: ``X.meme`` -> ``X.families.tsv``."""
    path = Path(motif_db)
    return path.with_name(f"{path.stem}.families.tsv")


def write_families(dest: str | os.PathLike, families: Mapping[str, Iterable[str]]) -> None:
    """The families table: a row per matrix id and family."""
    rows = [(matrix_id, family) for matrix_id, fams in families.items() for family in fams]
    pd.DataFrame(rows, columns=FAMILY_COLUMNS).to_csv(dest, sep="\t", index=False)


def read_families(motif_db: str | os.PathLike) -> dict[str, frozenset[str]]:
    """Matrix id -> its TF families, from the table beside the database's MEME file (empty
    where there is none, as for a MEME file given without one)."""
    path = families_path(motif_db)
    if not path.is_file():
        return {}
    table = pd.read_csv(path, sep="\t", dtype=str).dropna()
    if list(table.columns) != FAMILY_COLUMNS:
        raise InputError(f"expected the columns {FAMILY_COLUMNS}, found {list(table.columns)}",
                         path=path, hint="rerun the export_motif_db rule to rewrite it")
    return {matrix_id: frozenset(group["family"])
            for matrix_id, group in table.groupby("matrix_id")}


def export_jaspar(
    dest: str | os.PathLike,
    release: str = "JASPAR2024",
    collection: str = "CORE",
    taxon: str | None = "vertebrates",
) -> list[Motif]:
    """Write a JASPAR collection to ``dest`` as a MEME file, and its TF families beside it
    (:func:`families_path`); returns the motifs written."""
    motifs = fetch_jaspar(release, collection, taxon)
    if not motifs:
        raise InputError(
            f"{release} has no {collection} motifs for taxon '{taxon}'", key="motif_db.taxon"
        )
    write_meme(dest, motifs)
    write_families(families_path(dest), jaspar_families(release, (m.id for m in motifs)))
    return motifs


def import_meme(src: str | os.PathLike, dest: str | os.PathLike) -> list[Motif]:
    """Validate a user MEME file and rewrite it to ``dest`` in minimal format (background kept),
    with an empty families table beside it."""
    motifs, background = read_meme_file(src)
    write_meme(dest, motifs, background)
    write_families(families_path(dest), {})
    return motifs


def write_database(spec: dict, dest: str | os.PathLike) -> list[Motif]:
    """Write the config's ``motif_db`` as MEME at ``dest`` (and its families beside it): the
    user's ``meme`` file checked and rewritten, or a JASPAR ``release``/``collection``/``taxon``
    selection."""
    if "meme" in spec:
        motifs, source = import_meme(spec["meme"], dest), spec["meme"]
    else:
        motifs = export_jaspar(dest, spec["release"], spec["collection"], spec["taxon"])
        source = f"{spec['release']} {spec['collection']} {spec['taxon']}"
    log.info("%d motifs from %s written to %s", len(motifs), source, dest)
    return motifs
