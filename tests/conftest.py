"""Shared fixtures: the repository, a real genome, and running Snakemake in a temp dir."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ECOLI = Path("/usr/share/doc/bowtie/examples/genomes/NC_008253.fna.gz")
SNAKEMAKE = Path(sys.executable).parent / "snakemake"

# One numba cache for every test and workflow job (memelite compiles once).
os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / "resources" / "numba_cache"))


@pytest.fixture(scope="session")
def ecoli_fasta(tmp_path_factory) -> Path:
    """E. coli 536 (NC_008253) from Debian's bowtie-examples, decompressed and indexed."""
    if not ECOLI.exists():
        pytest.fail(f"{ECOLI} is missing: run scripts/setup.sh --dev (Debian bowtie-examples)")
    from motifnet.data.genome import prepare_genome

    dest = tmp_path_factory.mktemp("ecoli") / "genome.fa"
    prepare_genome(ECOLI, dest)
    return dest


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the repository's workflow with ``workdir`` as working directory."""
    command = [str(SNAKEMAKE), "--snakefile", str(REPO / "workflow" / "Snakefile"),
               "--directory", str(workdir), "--cores", "2", *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake failed ({result.returncode}):\n{result.stdout[-4000:]}"
                             f"\n{result.stderr[-6000:]}")
    return result


class Server(http.server.BaseHTTPRequestHandler):
    """Serves ``files`` (path -> bytes), honouring Range; counts GETs; paths in ``drop`` are
    cut off half-way once; anything else is a 404."""

    files: dict[str, bytes] = {}
    drop: set[str] = set()
    hits: dict[str, int] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        Server.hits[self.path] = Server.hits.get(self.path, 0) + 1
        if self.path not in Server.files:
            self.send_error(404)
            return
        start = 0
        if "Range" in self.headers:
            start = int(self.headers["Range"].split("=")[1].split("-")[0])
        body = Server.files[self.path][start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path in Server.drop:
            Server.drop.discard(self.path)
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    Server.files, Server.drop, Server.hits = {}, set(), {}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def jaspar() -> list:
    """JASPAR2024 CORE vertebrates, from pyjaspar's shipped database."""
    from motifnet.motifs.database import fetch_jaspar

    return fetch_jaspar("JASPAR2024", "CORE", "vertebrates")


@pytest.fixture(scope="session")
def chosen(jaspar) -> list:
    """16 motifs of width >= 10 unlike their reverse complement (so orientation is testable)."""
    import numpy as np

    asymmetric = [
        m
        for m in jaspar
        if m.width >= 10 and np.abs(m.pfm - m.pfm[::-1, ::-1]).sum() / m.width > 0.5
    ]
    return asymmetric[::20]
