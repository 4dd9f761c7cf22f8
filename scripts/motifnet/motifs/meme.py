"""MEME motif format: write the minimal format, read it (and MEME suite outputs' MOTIF blocks)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..io import atomic_write, open_text

ALPHABET = "ACGT"
UNIFORM = (0.25, 0.25, 0.25, 0.25)
# Rows of a letter-probability matrix may be rounded (MEME prints 6 decimals, some
# databases 2-3); rows further than this from 1 are an error, closer ones are renormalised.
ROW_SUM_TOLERANCE = 0.02
# MEME's documented default when a letter-probability line gives no nsites=.
DEFAULT_NSITES = 20

_KEY_VALUE = re.compile(r"([A-Za-z]+)\s*=\s*(\S+)")


@dataclass
class Motif:
    """One motif: ``pfm`` is a (W, 4) letter-probability matrix over A, C, G, T (rows sum to 1)."""

    id: str
    name: str
    pfm: np.ndarray
    nsites: int = DEFAULT_NSITES
    url: str | None = None

    def __post_init__(self) -> None:
        self.pfm = np.asarray(self.pfm, dtype=np.float64)
        if self.pfm.ndim != 2 or self.pfm.shape[1] != 4 or self.pfm.shape[0] == 0:
            raise ValueError(f"motif {self.id}: pfm must have shape (W, 4), got {self.pfm.shape}")
        if not self.id or any(c.isspace() for c in self.id):
            raise ValueError(f"motif id {self.id!r} must be non-empty and contain no whitespace")

    @property
    def width(self) -> int:
        return int(self.pfm.shape[0])


def information_content(pfm: np.ndarray, pseudocount: float = 1e-3) -> np.ndarray:
    """Bits per position of (..., W, 4) probabilities: 2 + sum p log2 p (small pseudocount)."""
    p = (np.asarray(pfm, dtype=np.float64) + pseudocount) / (1.0 + 4.0 * pseudocount)
    return 2.0 + (p * np.log2(p)).sum(axis=-1)


def write_meme(
    path: str | os.PathLike,
    motifs: Sequence[Motif],
    background: Sequence[float] | None = None,
) -> None:
    """Write motifs to ``path`` in MEME minimal format (version 4, DNA, both strands); atomic."""
    bg = UNIFORM if background is None else tuple(float(b) for b in background)
    if len(bg) != 4 or abs(sum(bg) - 1.0) > 1e-3:
        raise ValueError(f"background must be 4 frequencies summing to 1, got {bg}")
    with atomic_write(path) as handle:
        handle.write("MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\n")
        handle.write("Background letter frequencies\n")
        handle.write(" ".join(f"{b} {f:.6g}" for b, f in zip(ALPHABET, bg)) + "\n\n")
        for motif in motifs:
            sums = motif.pfm.sum(axis=1)
            if np.any(np.abs(sums - 1.0) > 1e-3) or np.any(motif.pfm < 0):
                raise ValueError(f"motif {motif.id}: rows must be probabilities summing to 1")
            name = "_".join(motif.name.split())
            handle.write(f"MOTIF {motif.id} {name}\n" if name else f"MOTIF {motif.id}\n")
            handle.write(
                f"letter-probability matrix: alength= 4 w= {motif.width} "
                f"nsites= {int(motif.nsites)} E= 0\n"
            )
            for row in motif.pfm / sums[:, None]:
                handle.write(" ".join(f"{p:.6f}" for p in row) + "\n")
            if motif.url:
                handle.write(f"URL {motif.url}\n")
            handle.write("\n")


def read_meme(path: str | os.PathLike, allow_empty: bool = False) -> list[Motif]:
    """Motifs of a MEME file (minimal format, or a MEME/STREME/DREME text output); a file
    without any is an error (a motif database) unless ``allow_empty`` (a query set)."""
    return read_meme_file(path, allow_empty)[0]


def read_meme_file(path: str | os.PathLike,
                   allow_empty: bool = False) -> tuple[list[Motif], tuple[float, ...]]:
    """Motifs and background letter frequencies (uniform when absent) of a MEME file."""
    with open_text(path) as handle:
        lines = [line.rstrip("\r\n") for line in handle]
    return _Parser(path, lines).parse(allow_empty)


class _Parser:
    """Line-based parser; every error names the file and the 1-based line."""

    def __init__(self, path: str | os.PathLike, lines: list[str]) -> None:
        self.path = path
        self.lines = lines

    def error(self, problem: str, index: int | None, hint: str | None = None) -> InputError:
        line = None if index is None else index + 1
        return InputError(problem, path=self.path, line=line, hint=hint)

    def parse(self, allow_empty: bool = False) -> tuple[list[Motif], tuple[float, ...]]:
        motifs: list[Motif] = []
        background: tuple[float, ...] = UNIFORM
        seen: dict[str, int] = {}
        i = 0
        while i < len(self.lines):
            stripped = self.lines[i].strip()
            if stripped.startswith("ALPHABET="):
                self._check_alphabet(stripped.split("=", 1)[1].strip(), i)
            elif stripped.startswith("ALPHABET"):
                i = self._skip_alphabet_block(i)
            elif stripped.startswith("Background letter frequencies"):
                background, i = self._background(i)
                continue
            elif stripped.startswith("MOTIF"):
                motif, end = self._motif(i)
                if motif.id in seen:
                    raise self.error(
                        f"duplicate motif id '{motif.id}' (first at line {seen[motif.id]})", i
                    )
                seen[motif.id] = i + 1
                motifs.append(motif)
                i = end
                continue
            i += 1
        if not motifs and not allow_empty:
            raise self.error(
                "empty motif database: no 'MOTIF' block with a letter-probability matrix",
                None,
                hint="give a MEME-format motif file "
                "(https://meme-suite.org/meme/doc/meme-format.html)",
            )
        return motifs, background

    def _check_alphabet(self, letters: str, i: int) -> None:
        if letters.upper() != ALPHABET:
            raise self.error(f"alphabet '{letters}' is not DNA (ACGT)", i)

    def _skip_alphabet_block(self, i: int) -> int:
        header = self.lines[i]
        if "DNA" not in header.upper():
            raise self.error(f"alphabet definition '{header.strip()}' is not DNA", i)
        for j in range(i + 1, len(self.lines)):
            if self.lines[j].strip().startswith("END ALPHABET"):
                return j + 1
        raise self.error("ALPHABET block without 'END ALPHABET'", i)

    def _background(self, i: int) -> tuple[tuple[float, ...], int]:
        tokens: list[str] = []
        j = i + 1
        # Pairs "A 0.25 C 0.25 ..." on the following lines, up to a blank or any other line.
        while j < len(self.lines) and re.match(r"^\s*[A-Za-z]\s+[\d.]", self.lines[j]):
            tokens += self.lines[j].split()
            j += 1
        freqs = dict(zip(tokens[0::2], tokens[1::2]))
        try:
            bg = tuple(float(freqs[b]) for b in ALPHABET)
        except (KeyError, ValueError):
            raise self.error("background letter frequencies must give A, C, G and T", i + 1)
        if any(f <= 0 for f in bg) or abs(sum(bg) - 1.0) > ROW_SUM_TOLERANCE:
            raise self.error(f"background frequencies {bg} must be positive and sum to 1", i + 1)
        return tuple(f / sum(bg) for f in bg), j

    def _motif(self, i: int) -> tuple[Motif, int]:
        fields = self.lines[i].split()
        if len(fields) < 2:
            raise self.error("MOTIF line without an identifier", i)
        motif_id = fields[1]
        name = fields[2] if len(fields) > 2 and "=" not in fields[2] else ""
        j = i + 1
        while j < len(self.lines):
            text = self.lines[j].strip()
            if text.startswith("letter-probability matrix"):
                break
            if text.startswith("MOTIF"):
                raise self.error(f"motif '{motif_id}' has no letter-probability matrix", i)
            j += 1
        else:
            raise self.error(f"motif '{motif_id}' has no letter-probability matrix", i)
        header = dict(_KEY_VALUE.findall(self.lines[j].split(":", 1)[-1]))
        width = self._header_int(header, "w", j)
        nsites = self._header_int(header, "nsites", j)
        alength = self._header_int(header, "alength", j)
        if alength is not None and alength != 4:
            raise self.error(f"motif '{motif_id}': alength= {alength}, expected 4 (DNA)", j)
        if width == 0:
            raise self.error(f"motif '{motif_id}': w= 0, a motif needs at least one column", j)
        rows, end = self._rows(motif_id, j + 1, width)
        pfm = np.array(rows)
        url = None
        k = end
        while k < len(self.lines) and not self.lines[k].strip():
            k += 1
        if k < len(self.lines) and self.lines[k].strip().startswith("URL"):
            url = self.lines[k].strip()[3:].strip() or None
            end = k + 1
        motif = Motif(
            id=motif_id,
            name=name,
            pfm=pfm / pfm.sum(axis=1, keepdims=True),
            nsites=DEFAULT_NSITES if nsites is None else nsites,
            url=url,
        )
        return motif, end

    def _header_int(self, header: dict[str, str], key: str, j: int) -> int | None:
        if key not in header:
            return None
        try:
            value = float(header[key])
        except ValueError:
            raise self.error(f"'{key}= {header[key]}' is not a number", j)
        if value < 0 or not np.isfinite(value):
            raise self.error(f"'{key}= {header[key]}' must be a non-negative number", j)
        return int(np.rint(value))

    def _rows(self, motif_id: str, start: int, width: int | None) -> tuple[list[list[float]], int]:
        """Matrix rows from line ``start``: ``width`` of them, or up to the first non-row line."""
        rows: list[list[float]] = []
        j = start
        while width is None or len(rows) < width:
            fields = self.lines[j].split() if j < len(self.lines) else []
            if not fields or not _looks_numeric(fields[0]):
                if width is None and rows:
                    break
                declared = f"declares w= {width} but has" if width is not None else "has"
                raise self.error(
                    f"motif '{motif_id}': letter-probability matrix {declared} {len(rows)} rows",
                    min(j, len(self.lines) - 1),
                )
            rows.append(self._row(motif_id, fields, j))
            j += 1
        extra = self.lines[j].split() if j < len(self.lines) else []
        if extra and _looks_numeric(extra[0]):
            raise self.error(
                f"motif '{motif_id}': letter-probability matrix declares w= {width} "
                "but has more rows",
                j,
            )
        return rows, j

    def _row(self, motif_id: str, fields: list[str], j: int) -> list[float]:
        if len(fields) != 4:
            raise self.error(
                f"motif '{motif_id}': matrix row has {len(fields)} columns, expected 4", j
            )
        try:
            row = [float(f) for f in fields]
        except ValueError:
            raise self.error(f"motif '{motif_id}': matrix row has a value that is not a number", j)
        if not all(np.isfinite(row)) or min(row) < 0:
            raise self.error(f"motif '{motif_id}': probabilities must be finite and >= 0", j)
        if abs(sum(row) - 1.0) > ROW_SUM_TOLERANCE:
            raise self.error(f"motif '{motif_id}': matrix row sums to {sum(row):g}, not 1", j)
        return row


def _looks_numeric(token: str) -> bool:
    return bool(re.match(r"^[-+]?(\d|\.\d)", token)) or token.lower() in {"nan", "inf", "-inf"}
