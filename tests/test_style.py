"""The workflow's format, as the Snakemake workflow catalog checks it (snakemake --lint: in
test_workflow_data.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO

BIN = Path(sys.executable).parent


def test_snakefmt_leaves_the_workflow_unchanged():
    result = subprocess.run([str(BIN / "snakefmt"), "--check", "workflow/"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
