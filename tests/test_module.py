"""The workflow used as a Snakemake module from another directory, as `snakedeploy
deploy-workflow` sets it up: rule scripts, envs, schemas and report captions resolve relative
to the workflow, not to the working directory."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SNAKEMAKE

pytestmark = pytest.mark.workflow

DEPLOYED = """configfile: "config/config.yaml"


module motifnet:
    snakefile:
        "{snakefile}"
    config:
        config


use rule * from motifnet as motifnet_*
"""


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(SNAKEMAKE), "--cores", "2", *args], cwd=workdir,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return result


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Path:
    """A project folder with the deployed layout: workflow/Snakefile naming the module, and
    the workflow's config/ copied beside it."""
    root = tmp_path_factory.mktemp("deployed")
    (root / "workflow").mkdir()
    (root / "workflow" / "Snakefile").write_text(
        DEPLOYED.format(snakefile=REPO / "workflow" / "Snakefile"))
    shutil.copytree(REPO / "config", root / "config")
    return root


def test_the_default_targets_plan_from_another_directory(deployment):
    result = snakemake(deployment, "-n")
    for rule in ("motifnet_generate_synthetic", "motifnet_train", "motifnet_tomtom",
                 "motifnet_summarize"):
        assert rule in result.stdout, rule


def test_a_target_runs_with_the_workflow_s_scripts_and_schema(deployment):
    small = deployment / "config" / "small.yaml"
    small.write_text(yaml.safe_dump({"datasets": {"koo_synthetic": {
        "synthetic": {"n_sequences": 400}, "task": "multilabel", "length": 200}}}))
    snakemake(deployment, "results/koo_synthetic/data/encoding.json", "--configfile", str(small))
    assert (deployment / "results/koo_synthetic/data/test.npz").exists()
    assert "sequences kept" in (deployment / "logs/extract_sequences/koo_synthetic.log").read_text()
