"""Small file helpers: transparent gzip reading (whole or by numbered lines), and atomic
writes of files, JSON and TSV."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

from .errors import InputError

_UMASK = os.umask(0)
os.umask(_UMASK)


def is_gzip(path: str | os.PathLike) -> bool:
    """True if the file starts with the gzip magic bytes."""
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def open_text(path: str | os.PathLike) -> IO[str]:
    """Open a UTF-8 text file for reading, gzipped or not; a byte-order mark at its start (as
    spreadsheet programs write) is dropped."""
    if not Path(path).exists():
        raise InputError("file not found", path=path, hint="check the path in the config")
    if is_gzip(path):
        return gzip.open(path, "rt", encoding="utf-8-sig")
    return open(path, "rt", encoding="utf-8-sig")


def text_lines(path: str | os.PathLike) -> Iterator[tuple[int, str]]:
    """(line number, text without the line end) of a plain or gzipped text file; a file that
    cannot be read to its end is an :class:`InputError` naming the line where reading failed."""
    number = 0
    handle = open_text(path)
    try:
        for number, raw in enumerate(handle, start=1):
            yield number, raw.rstrip("\r\n")
    except UnicodeDecodeError:
        raise InputError("not a text file (undecodable bytes)", path=path, line=number + 1,
                         hint="give a plain or gzipped text file") from None
    except (EOFError, OSError, zlib.error) as error:
        raise InputError(f"unreadable after line {number} ({error})", path=path,
                         line=number + 1, hint="the file is truncated or not valid gzip: "
                         "re-create or re-download it") from None
    finally:
        handle.close()


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it into place only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a file for writing that appears at ``path`` only when the block succeeds."""
    with atomic_path(path) as tmp:
        with open(tmp, mode) as handle:
            yield handle


def write_json(path: str | os.PathLike, data: Any) -> None:
    """Write indented JSON atomically."""
    with atomic_write(path) as handle:
        json.dump(data, handle, indent=2, sort_keys=False)
        handle.write("\n")


def write_tsv(path: str | os.PathLike, table: Any, compress: bool = False, **options: Any) -> None:
    """Write a pandas table as TSV without its index, atomically (gzipped with ``compress``);
    ``options`` go to ``DataFrame.to_csv`` (e.g. ``float_format``)."""
    with atomic_path(path) as tmp:
        table.to_csv(tmp, sep="\t", index=False, compression="gzip" if compress else None,
                     **options)


def save_figure(figure: Any, path: str | os.PathLike, dpi: int = 120) -> None:
    """Write a matplotlib figure atomically, in the format of the path's suffix (PNG without).

    Figures lay themselves out (``tight_layout`` or a constrained layout), so the figure is
    drawn once: ``bbox_inches="tight"`` would draw it a second time to crop it.
    """
    fmt = Path(path).suffix.lstrip(".") or "png"
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format=fmt, dpi=dpi)
