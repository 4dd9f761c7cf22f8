"""The package is installable and versioned from pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import motifnet

from conftest import REPO


def test_a_wheel_holds_every_stage_and_the_version(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(REPO / "pyproject.toml", source)
    shutil.copy(REPO / "README.md", source)
    shutil.copytree(REPO / "scripts" / "motifnet", source / "scripts" / "motifnet",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist"), str(source)], check=True)
    (wheel,) = (tmp_path / "dist").glob("motifnet-*.whl")
    assert wheel.name.startswith(f"motifnet-{motifnet.__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    for stage in ("data", "train", "motifs", "report", "models"):
        assert f"motifnet/{stage}/__init__.py" in names, stage
    assert "motifnet/data/table.py" in names
