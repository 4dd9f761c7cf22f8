"""Prepare a genome FASTA: take a local file or a verified download, decompress, normalise
Windows line endings, index; read one chromosome back fast."""

from __future__ import annotations

import gzip
import logging
import os
import re
import zlib
from pathlib import Path

import numpy as np
from pyfaidx import Faidx, FastaIndexingError

from ..errors import InputError
from ..io import atomic_path, is_gzip
from .download import download, file_name, verify_sha256

log = logging.getLogger(__name__)

FASTA_LETTERS = set(b"ACGTUNRYSWKMBDHVacgtunryswkmbdhv-*.\n\r")


def check_fasta_head(path: str | os.PathLike, probe_bytes: int = 1 << 20) -> None:
    """Refuse a file whose first record is not FASTA (first line '>' then sequence letters)."""
    with open(path, "rb") as handle:
        head = handle.read(probe_bytes)
    lines = head.lstrip().split(b"\n")
    if not head.strip() or not lines[0].startswith(b">"):
        raise InputError("not a FASTA file: the first line does not start with '>'", path=path,
                         hint="give a genome FASTA (plain or gzipped)")
    body = lines[1:-1] if len(head) == probe_bytes else lines[1:]
    for number, line in enumerate(body, start=2):
        if line.startswith(b">"):
            continue
        bad = set(line) - FASTA_LETTERS
        if bad:
            raise InputError(
                f"not a FASTA file: sequence line holds {bytes(sorted(bad))[:10]!r}",
                path=path, line=number, hint="give a genome FASTA (plain or gzipped)",
            )


def _has_carriage_returns(path: str | os.PathLike, probe_bytes: int = 1 << 20) -> bool:
    with open(path, "rb") as handle:
        return b"\r" in handle.read(probe_bytes)


def decompress_to(source: str | os.PathLike, dest: str | os.PathLike,
                  strip_cr: bool = False) -> None:
    """Gunzip ``source`` to ``dest`` atomically, dropping carriage returns (Windows line ends)
    on the way; link a plain FASTA instead of copying it unless ``strip_cr`` or it has them."""
    packed = is_gzip(source)
    if not packed and not strip_cr and not _has_carriage_returns(source):
        Path(dest).unlink(missing_ok=True)
        os.symlink(Path(source).resolve(), dest)
        return
    Path(dest).unlink(missing_ok=True)
    with atomic_path(dest) as tmp:
        try:
            with (gzip.open(source, "rb") if packed else open(source, "rb")) as src, \
                    open(tmp, "wb") as out:
                while chunk := src.read(1 << 22):
                    out.write(chunk.replace(b"\r", b""))
        except (OSError, EOFError, zlib.error) as error:
            raise InputError(f"cannot decompress ({error})", path=source,
                             hint="the gzip file is truncated or corrupt: replace it") from None
    if not packed:
        log.info("%s has Windows (CRLF) line endings: the prepared copy has Unix ones", source)


def _crlf_records(fai: Path) -> list[str]:
    """Records whose index says their lines end in more than one byte (CRLF past the probe)."""
    names = []
    for line in fai.read_text().splitlines():
        fields = line.split("\t")
        if int(fields[4]) - int(fields[3]) > 1:
            names.append(fields[0])
    return names


def header_lines(path: str | os.PathLike, name: str) -> list[int]:
    """1-based line numbers of the FASTA headers whose record name is ``name``."""
    found = []
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith(b">") and line[1:].split(maxsplit=1)[:1] == [name.encode()]:
                found.append(number)
    return found


def index_fasta(path: str | os.PathLike) -> Path:
    """Write ``path.fai`` with pyfaidx; errors name the FASTA."""
    try:
        Faidx(str(path), rebuild=True).close()
    except (FastaIndexingError, ValueError) as error:
        Path(f"{path}.fai").unlink(missing_ok=True)
        duplicate = re.fullmatch(r'Duplicate key "(.*)"', str(error))
        if duplicate:
            name = duplicate.group(1)
            lines = header_lines(path, name)
            raise InputError(
                f"chromosome name '{name}' is used by more than one record (headers at lines "
                f"{', '.join(map(str, lines))})", path=path, line=lines[1] if lines[1:] else None,
                hint="give every record its own name (rename or drop the duplicate)") from None
        raise InputError(f"cannot index the FASTA: {error}", path=path,
                         hint="lines of a record must have equal lengths; reformat it "
                         "(e.g. seqkit seq -w 60)") from None
    return Path(f"{path}.fai")


def prepare_genome(source: str | os.PathLike, dest: str | os.PathLike) -> Path:
    """Decompress/copy a local genome to ``dest``, check it is FASTA and index it."""
    source = Path(source)
    if not source.exists():
        raise InputError("genome file not found", path=source,
                         hint="check genome path in the config")
    decompress_to(source, dest)
    try:
        check_fasta_head(dest)
        fai = index_fasta(dest)
        if _crlf_records(fai):
            decompress_to(source, dest, strip_cr=True)
            fai = index_fasta(dest)
        return fai
    except InputError as error:
        Path(dest).unlink(missing_ok=True)
        raise InputError(error.problem, path=source, line=error.line, hint=error.hint) from None


def prepare_configured_genome(spec: dict, dest: str | os.PathLike,
                              download_dir: str | os.PathLike, offline: bool = False) -> Path:
    """Prepare a genome of the config's ``genomes`` block at ``dest``: its local ``path``
    (sha256-checked when given), or its ``url`` downloaded into ``download_dir``."""
    if "url" in spec:
        source = download(spec["url"], Path(download_dir) / file_name(spec["url"], "genome.fa"),
                          spec.get("sha256"), offline=offline)
        if not spec.get("sha256"):
            log.warning("no sha256 for %s in the config; it is unverified", spec["url"])
    else:
        source = Path(spec["path"])
        verify_sha256(source, spec.get("sha256"))
    log.info("preparing %s from %s", dest, source)
    return prepare_genome(source, dest)


def chromosome_codes(fasta: str | os.PathLike, fai: str | os.PathLike, name: str) -> np.ndarray:
    """One chromosome of an indexed FASTA as an array of ASCII codes (line breaks removed),
    read straight from the file at the offset its ``.fai`` line gives."""
    for line in Path(fai).read_text().splitlines():
        fields = line.split("\t")
        if fields[0] == name:
            length, offset, line_bases, line_width = map(int, fields[1:5])
            break
    else:
        raise InputError(f"chromosome '{name}' is not in the index", path=fai,
                         hint="re-index the genome (delete the .fai and rerun)")
    lines = -(-length // line_bases)
    with open(fasta, "rb") as handle:
        handle.seek(offset)
        raw = np.frombuffer(handle.read(length + lines * (line_width - line_bases)), np.uint8)
    codes = raw[(raw != ord("\n")) & (raw != ord("\r"))]
    return codes[:length]
