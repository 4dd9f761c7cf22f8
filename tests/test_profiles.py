"""The workstation profile: as many GPU slots as the machine's GPUs times jobs_per_device, and
a run that says when its --resources gpu differs from the config's slots."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import yaml

from conftest import REPO, SNAKEMAKE

pytestmark = pytest.mark.workflow

TARGET = "resources/motif_db/JASPAR2024_CORE_vertebrates.meme"


def run(workdir, *args):
    """A real run of one quick target in ``workdir`` with the workstation profile, no GPUs."""
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run([str(SNAKEMAKE), "--snakefile", str(REPO / "workflow/Snakefile"),
                             TARGET, *args], cwd=workdir, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr


def test_gpu_slots_are_gpus_times_jobs_per_device(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.yaml").write_text(yaml.safe_dump({
        "datasets": {"syn": {"synthetic": {"n_sequences": 50}, "task": "multilabel",
                             "length": 200}},
        "gpus": {"jobs_per_device": 3}}))
    output = run(tmp_path)
    assert "workflow/profiles/default" in output
    assert 'gpu=Resource("gpu", 3)' in output and "GPU slot(s)" not in output
    (tmp_path / TARGET).unlink()
    output = run(tmp_path, "--resources", "gpu=1")
    assert "the config has 3 GPU slot(s)" in output and "--resources gpu=3" in output


def test_every_gpu_slotted_rule_asks_slurm_for_a_gpu():
    rules = (REPO / "workflow/rules").glob("*.smk")
    slotted = {rule for path in rules
               for rule, body in re.findall(r"^rule (\w+):\n((?:[ \t]+.*\n|\n)+)", path.read_text(),
                                            re.M)
               if re.search(r"gpu=\w*gpu_slots", body)}
    assert slotted == {"train", "train_fold", "attribute", "attention", "search_trial"}
    # rules made from train by `use rule train as ... with:` hold its GPU slot too
    derived = {rule for path in (REPO / "workflow/rules").glob("*.smk")
               for rule in re.findall(r"^use rule train as (\w+) with:", path.read_text(), re.M)}
    assert derived == {"train_regression"}
    profile = yaml.safe_load((REPO / "workflow/profiles/slurm/config.yaml").read_text())
    for rule in slotted | derived:
        assert profile["set-resources"][rule]["gpu"] == 1
        assert profile["set-resources"][rule]["cpus_per_task"] == "threads"
