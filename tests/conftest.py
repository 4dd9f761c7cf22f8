"""Shared fixtures: the repository, a real genome, and running Snakemake in a temp dir."""

from __future__ import annotations

import os
import subprocess
import sys
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
    from motifnet.genome import prepare_genome

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
