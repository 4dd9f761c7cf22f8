"""The prepared GPU check (tests/gpu/check.sh) is sound where no GPU runs it: the script
parses, and its CUDA tests skip cleanly."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from conftest import REPO


def test_the_gpu_check_scripts_parse():
    for script in ("check.sh", "table1.sh"):
        subprocess.run(["bash", "-n", str(REPO / "tests/gpu" / script)], check=True)


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is here: check.sh runs them")
def test_the_cuda_tests_skip_cleanly_without_a_gpu():
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-m", "cuda", "tests/test_cuda.py"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "6 skipped" in result.stdout and "error" not in result.stdout.lower()
