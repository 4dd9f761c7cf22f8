"""The workflow's own checks, as the Snakemake workflow catalog runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, SNAKEMAKE

BIN = Path(sys.executable).parent


def test_snakefmt_leaves_the_workflow_unchanged():
    result = subprocess.run([str(BIN / "snakefmt"), "--check", "workflow/"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_snakemake_lint_finds_nothing():
    result = subprocess.run([str(SNAKEMAKE), "--lint"], cwd=REPO, capture_output=True,
                            text=True)
    output = result.stdout + result.stderr
    assert "Congratulations, your workflow is in a good condition!" in output, output[-5000:]
