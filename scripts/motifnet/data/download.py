"""Robust downloads: resumed when possible, retried with backoff, checksum-verified, atomic."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import InputError
from ..io import atomic_write

log = logging.getLogger(__name__)


def file_name(url: str, default: str) -> str:
    """The file name a URL is saved under: its last path component (query dropped)."""
    return Path(url.split("?")[0]).name or default


def sha256sum(path: str | os.PathLike) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: str | os.PathLike, expected: str | None, url: str | None = None) -> None:
    """Raise (and remove the file) when its sha256 differs from ``expected``."""
    if not expected:
        return
    actual = sha256sum(path)
    if actual != expected.lower():
        os.remove(path)
        raise InputError(
            f"sha256 mismatch: expected {expected}, got {actual}; the file was removed",
            path=path,
            hint=f"the download from {url} is corrupt or the config's sha256 is wrong; "
            "rerun to download again, or correct the sha256" if url else
            "correct the sha256 in the config or replace the file",
        )


def _fetch_once(url: str, part: Path, timeout: float) -> None:
    """Fetch ``url`` into ``part``, resuming from its current size when the server allows."""
    offset = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "motifnet"})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        resumed = offset and response.status == 206
        expected = response.headers.get("Content-Length")
        expected = None if expected is None else int(expected) + (offset if resumed else 0)
        with open(part, "ab" if resumed else "wb") as handle:
            while block := response.read(1 << 20):
                handle.write(block)
    size = part.stat().st_size
    if expected is not None and size != expected:
        raise ConnectionError(f"connection closed at {size} of {expected} bytes")


def write_checksum(path: str | os.PathLike, digest: str | None = None) -> Path:
    """Write ``path.sha256`` (``sha256sum`` format) beside a file; return the sidecar's path."""
    path = Path(path)
    digest = digest or sha256sum(path)
    sidecar = path.with_name(path.name + ".sha256")
    with atomic_write(sidecar) as handle:
        handle.write(f"{digest}  {path.name}\n")
    return sidecar


def _check_cached(dest: Path, sha256: str | None, url: str, offline: bool) -> bool:
    """True if ``dest`` is present and matches ``sha256``; a mismatching copy is removed."""
    if not dest.exists():
        return False
    try:
        verify_sha256(dest, sha256, url)
    except InputError as error:
        if offline:
            raise
        log.warning("%s; downloading it again", error.problem)
        return False
    return True


def missing_files(files: list[tuple[str, str | os.PathLike]]) -> InputError | None:
    """The offline-mode error naming every ``(url, path)`` whose file is absent, if any."""
    absent = [(url, Path(path)) for url, path in files if not Path(path).exists()]
    if not absent:
        return None
    listing = "".join(f"\n  {url}\n    -> {path}" for url, path in absent)
    return InputError(
        f"offline mode: {len(absent)} file(s) missing and not downloaded:{listing}",
        hint="download each URL on a machine with internet and place it at the path under "
        "it (checksums are verified on use; a Genomic Benchmarks metadata.yaml names the "
        "{train,test}/<class>.csv.gz files to place beside it), or run without offline",
    )


def download(url: str, dest: str | os.PathLike, sha256: str | None = None, *,
             retries: int = 4, backoff: float = 2.0, timeout: float = 60.0,
             offline: bool = False) -> Path:
    """Download ``url`` to ``dest`` atomically; verify ``sha256`` when given.

    A file already at ``dest`` is reused (after verifying ``sha256``; a mismatching one is
    downloaded again). A partial file ``dest.part`` is resumed with an HTTP Range request
    where the server supports it, else restarted. Failed attempts are retried ``retries``
    times with exponential backoff. A 4xx answer is not retried. The file appears at
    ``dest`` only when complete and verified; its sha256 is written to ``dest.sha256`` (and
    logged, so that an unpinned download can be pinned in the config).
    """
    dest = Path(dest)
    if _check_cached(dest, sha256, url, offline):
        return dest
    if offline:
        raise InputError(
            f"missing, and offline mode forbids downloading {url}", path=dest,
            hint=f"download {url} on a machine with internet and place it at {dest}",
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    for attempt in range(retries + 1):
        try:
            _fetch_once(url, part, timeout)
            break
        except urllib.error.HTTPError as error:
            if 400 <= error.code < 500 and error.code != 416:
                part.unlink(missing_ok=True)
                raise InputError(
                    f"download failed: HTTP {error.code} {error.reason} for {url}", path=dest,
                    hint=f"check the URL in the config, or place the file at {dest} by hand",
                ) from None
            if error.code == 416:
                part.unlink(missing_ok=True)
            problem = f"HTTP {error.code}"
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
            problem = str(getattr(error, "reason", error))
        if attempt == retries:
            raise InputError(
                f"download of {url} failed after {retries + 1} attempts ({problem})",
                path=dest,
                hint=f"check the network and rerun (the partial file {part.name} is resumed), "
                f"or download {url} by hand and place it at {dest}",
            )
        wait = backoff * 2**attempt
        log.warning("download of %s failed (%s); retrying in %.0f s", url, problem, wait)
        time.sleep(wait)
    try:
        verify_sha256(part, sha256, url)
    except InputError as error:
        raise InputError(error.problem.replace(str(part), str(dest)), path=dest,
                         hint=error.hint) from None
    digest = sha256 or sha256sum(part)
    os.replace(part, dest)
    write_checksum(dest, digest.lower())
    if not sha256:
        log.warning("downloaded %s without a sha256 to check; it has sha256 %s (written to "
                    "%s.sha256): pin it in the config to detect a changed file", url, digest,
                    dest.name)
    return dest
