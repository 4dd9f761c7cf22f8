"""Prepare the inputs of the Table 1 GPU call (tests/gpu/table1.sh) on a CPU with the workflow.

Snakemake makes the config's synthetic dataset (encoded splits as uint8) and the JASPAR 2016
MEME file with its TF families; they are copied to ``--out`` (default tests/gpu/table1-inputs/, ignored by git, about
25 MB) with ``manifest.json``: the variants (architectures grouped by name without ``_t<k>``),
their motif layers, the resolved training, ``motifs`` and ``tomtom`` settings and the ground
truth. The GPU call reads only these files: no Snakemake, YAML or pyjaspar there.

    .venv/bin/python tests/gpu/prepare_table1.py [--config config/koo_eddy.yaml] [--out DIR]

Then hand the folder to the GPU run (the device tool's ``carry``: tests/gpu/table1-inputs).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from motifnet.config import motif_layers
from motifnet.motifs.database import families_path
from motifnet.train.settings import learning_settings, resolve_training

SPLITS = ("train.npz", "val.npz", "test.npz", "encoding.json")
LIMIT_BYTES = 64 * 2**20


def load_config(path: Path) -> dict:
    """The config with the schema's defaults filled in, as the workflow sees it."""
    from snakemake.utils import validate

    config = yaml.safe_load(path.read_text())
    validate(config, str(REPO / "workflow/schemas/config.schema.yaml"), set_default=True)
    return config


def variants(config: dict, dataset: str) -> dict[str, dict]:
    """Architectures grouped as trials (``cnn-25_t3`` -> variant ``cnn-25``): model, params,
    the training overrides besides the seed, motif layers, and the trials' seeds."""
    found: dict[str, dict] = {}
    for arch, spec in config["architectures"].items():
        name = re.sub(r"_t\d+$", "", arch)
        overrides = {k: v for k, v in spec.get("training", {}).items() if k != "seed"}
        entry = found.setdefault(name, {"model": spec["model"], "params": spec.get("params", {}),
                                        "training": overrides,
                                        "motif_layers": motif_layers(config, dataset, arch),
                                        "seeds": []})
        entry["seeds"].append(spec.get("training", {}).get("seed", 0))
    return found


def manifest(config: dict, dataset: str, motif_db: str) -> dict:
    spec = config["datasets"][dataset]
    return {
        "dataset": dataset,
        "synthetic": "synthetic" in spec,
        "ground_truth": spec["synthetic"]["motifs"] if "synthetic" in spec else {},
        "training": learning_settings(resolve_training(config["training"], {})),
        "motifs": {k: v for k, v in config["motifs"].items() if k != "method"},
        "tomtom": {**config["tomtom"], "engine": "builtin"},
        "motif_db": motif_db,
        "variants": variants(config, dataset),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=REPO / "config/koo_eddy.yaml")
    parser.add_argument("--out", type=Path, default=REPO / "tests/gpu/table1-inputs")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    config = load_config(args.config)
    (dataset,) = config["datasets"]
    spec = config["motif_db"]
    db = f"resources/motif_db/{spec['release']}_{spec['collection']}_{spec['taxon']}.meme"
    families = str(families_path(db))
    data = [f"results/{dataset}/data/{name}" for name in SPLITS]
    subprocess.run([str(REPO / ".venv/bin/snakemake"), *data, db, "--cores", str(args.cores),
                    "--configfile", str(args.config)], cwd=REPO, check=True)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in (*data, db, families):
        shutil.copyfile(REPO / path, args.out / Path(path).name)
    info = manifest(config, dataset, Path(db).name)
    (args.out / "manifest.json").write_text(json.dumps(info, indent=1) + "\n")
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"{args.out}: {len(info['variants'])} variants, {size / 2**20:.1f} MiB"
          + (" (over the 64 MiB a GPU run may carry)" if size > LIMIT_BYTES else ""))
    if size > LIMIT_BYTES:
        sys.exit(1)


if __name__ == "__main__":
    main()
