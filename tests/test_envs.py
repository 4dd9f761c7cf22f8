"""Software environments: every rule names a conda env of envs/, and each env pins the versions
that requirements.txt installs into .venv (so `--sdm conda` and the venv run the same code);
the workflow catalog's standardized-usage file, which claims `--sdm conda` works.

Decisions:
- Rules come from the workflow itself, loaded through Snakemake's API (every `include:`d
  file and rule, as Snakemake sees them); rules without an action (`rule all`) need no env.
- Channels: conda-forge first, then bioconda where an env needs a bioconda-only tool; the
  Anaconda `defaults` channel is excluded with `nodefaults`; no other channel.
- Versions: a conda package is compared with its PyPI name in requirements.txt (pytorch is
  torch on PyPI). Packages PyPI does not have are not compared but must be pinned: python
  (one version for all envs), and the bioconda tools bedtools and meme. bedtools comes from
  the system package manager in .venv setups (scripts/setup.sh; Debian 12 has 2.30.0
  while the env pins bioconda's 2.31.1), and MEME is only used through `--sdm conda`.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

ENVS = REPO / "envs"
CONDA_TO_PYPI = {"pytorch": "torch"}
NOT_ON_PYPI = {"python", "bedtools", "meme"}
BIOCONDA_ONLY = {"bedtools", "meme", "pybedtools"}
UNPINNED = {"pip"}  # the installer itself
CHANNELS = ("conda-forge", "bioconda", "nodefaults")

_DUMP_RULES = """
import json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings

snakefile, workdir, configfile = map(Path, sys.argv[1:4])
with SnakemakeApi(OutputSettings()) as api:
    workflow = api.workflow(resource_settings=ResourceSettings(), snakefile=snakefile,
                            config_settings=ConfigSettings(configfiles=[configfile]),
                            workdir=workdir)
    rules = {rule.name: {"action": not rule.norun,
                         "conda": str(rule.conda_env) if rule.conda_env else None,
                         "basedir": str(rule.basedir),
                         "directories": [str(f) for f in rule.output if f.is_directory]}
             for rule in workflow._workflow.rules}
print("RULES=" + json.dumps(rules))
"""


def workflow_rules(workdir: Path, configfile: Path) -> dict[str, dict]:
    """The workflow's rules as Snakemake loads them with ``configfile`` (in a subprocess,
    working in ``workdir``): name -> action (bool), conda (path as written or None),
    basedir (the rule file's folder), directories (directory() output patterns)."""
    done = subprocess.run([sys.executable, "-c", _DUMP_RULES, str(REPO / "workflow" / "Snakefile"),
                           str(workdir), str(configfile)],
                          capture_output=True, text=True, cwd=workdir)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RULES=")]
    assert done.returncode == 0 and lines, f"loading the workflow failed:\n{done.stderr[-4000:]}"
    return json.loads(lines[-1].removeprefix("RULES="))


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> dict[str, dict]:
    return workflow_rules(tmp_path_factory.mktemp("rules"), REPO / "config" / "config.yaml")


def env_files() -> list[Path]:
    return sorted(ENVS.glob("*.yaml"))


def conda_spec(spec: str) -> tuple[str, str | None]:
    """('numpy', '2.4.6') from 'numpy =2.4.6', 'numpy==2.4.6' or 'numpy'."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*(?:==?\s*([^\s=,<>*]+))?\s*", spec)
    assert match, f"cannot read the conda spec '{spec}' (write 'name =version')"
    return match.group(1).lower(), match.group(2)


def pip_spec(spec: str) -> tuple[str, str | None]:
    """('memelite', '0.5.0') from 'memelite==0.5.0'."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*(?:==\s*([^\s;]+))?\s*", spec)
    assert match, f"cannot read the pip spec '{spec}' (write 'name==version')"
    return normalize(match.group(1)), match.group(2)


def normalize(name: str) -> str:
    """PyPI's normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements() -> dict[str, str]:
    """PyPI name -> pinned version from requirements.txt."""
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = pip_spec(line)
            assert version, f"requirements.txt: '{line}' is not pinned with =="
            pins[name] = version
    return pins


def env_packages(path: Path) -> tuple[list[tuple[str, str | None]], list[tuple[str, str | None]]]:
    """(conda packages, pip packages) of an env file, each as (name, version or None)."""
    env = yaml.safe_load(path.read_text())
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            assert list(dep) == ["pip"], f"{path.name}: unknown dependency block {dep}"
            pip += [pip_spec(spec) for spec in dep["pip"]]
        else:
            conda.append(conda_spec(dep))
    return conda, pip


def test_every_rule_with_an_action_names_an_env_file_of_envs(rules: dict[str, dict]) -> None:
    assert {"train", "tomtom", "extract_pfms", "encode"} <= set(rules), sorted(rules)
    used = set()
    for name, rule in rules.items():
        if not rule["action"]:
            continue
        assert rule["conda"], f"rule {name} names no conda env (add `conda: \"../../envs/...\"`)"
        env = (Path(rule["basedir"]) / rule["conda"]).resolve()
        assert env.parent == ENVS.resolve() and env.is_file(), f"rule {name}: {env} is not in envs/"
        used.add(env.name)
    assert used == {p.name for p in env_files()}, "an env file no rule uses"
    assert not rules["all"]["action"]


@pytest.mark.parametrize("path", env_files(), ids=lambda p: p.name)
def test_env_file_parses_and_uses_conda_forge_and_bioconda_only(path: Path) -> None:
    env = yaml.safe_load(path.read_text())
    assert isinstance(env, dict) and env.get("dependencies"), f"{path.name}: no dependencies"
    channels = env.get("channels", [])
    assert channels and channels[0] == "conda-forge", f"{path.name}: conda-forge must come first"
    assert set(channels) <= set(CHANNELS), f"{path.name}: channels {channels}"
    assert "nodefaults" in channels, f"{path.name}: add `nodefaults` (no Anaconda defaults)"
    assert channels.index("conda-forge") < channels.index("nodefaults")
    conda, _ = env_packages(path)
    bioconda = sorted({name for name, _ in conda} & BIOCONDA_ONLY)
    if bioconda:
        assert "bioconda" in channels, f"{path.name}: {bioconda} come from bioconda"
        assert channels.index("conda-forge") < channels.index("bioconda")


@pytest.mark.parametrize("path", env_files(), ids=lambda p: p.name)
def test_env_pins_the_versions_of_requirements_txt(path: Path) -> None:
    pins = requirements()
    conda, pip = env_packages(path)
    for name, version in conda:
        if name in UNPINNED:
            continue
        assert version, f"{path.name}: pin {name} (`{name} =<version>`)"
        if name in NOT_ON_PYPI:
            continue
        pypi = normalize(CONDA_TO_PYPI.get(name, name))
        assert pypi in pins, f"{path.name}: {name} is not in requirements.txt"
        assert version == pins[pypi], (
            f"{path.name}: {name} {version}, requirements.txt {pypi}=={pins[pypi]}")
    for name, version in pip:
        assert version, f"{path.name}: pin {name} under pip: with =="
        assert pins.get(name) == version, (
            f"{path.name}: pip {name}=={version}, requirements.txt {pins.get(name)}")


def test_every_env_pins_one_python_version() -> None:
    versions = {dict(env_packages(path)[0]).get("python") for path in env_files()}
    assert len(versions) == 1 and None not in versions, versions


def test_version_parsers_read_what_the_env_files_write() -> None:
    assert conda_spec("numpy =2.4.6") == ("numpy", "2.4.6")
    assert conda_spec("pytorch==2.13.0") == ("pytorch", "2.13.0")
    assert conda_spec("pip") == ("pip", None)
    assert pip_spec("Memelite==0.5.0") == ("memelite", "0.5.0")
    assert normalize("scikit_learn") == "scikit-learn"
    with pytest.raises(AssertionError):
        conda_spec("numpy >=2")


def test_requirements_txt_pins_what_snakemake_report_needs() -> None:
    """`snakemake --report` needs Snakemake's "reports" extra, which plain `snakemake` lacks."""
    extra = re.compile(r"""([A-Za-z0-9_.-]+).*;\s*extra\s*==\s*["']reports["']""")
    needed = {normalize(match.group(1)) for spec in importlib.metadata.requires("snakemake")
              if (match := extra.fullmatch(spec))}
    assert needed and needed <= set(requirements()), needed


def test_workflow_catalog_standardized_usage_files() -> None:
    """The catalog lists a workflow under "standardized usage" with workflow/Snakefile,
    config/README.md and a root .snakemake-workflow-catalog.yml of this shape."""
    assert (REPO / "workflow" / "Snakefile").is_file()
    assert (REPO / "config" / "README.md").is_file()
    usage = yaml.safe_load((REPO / ".snakemake-workflow-catalog.yml").read_text())["usage"]
    assert set(usage) == {"mandatory-flags", "software-stack-deployment"}
    assert set(usage["mandatory-flags"]) == {"desc", "flags"}
    deployment = usage["software-stack-deployment"]
    assert set(deployment) == {"conda", "apptainer", "apptainer+conda", "report"}
    assert all(isinstance(value, bool) for value in deployment.values())
    assert deployment["conda"], "every rule has a conda env (tested above)"
