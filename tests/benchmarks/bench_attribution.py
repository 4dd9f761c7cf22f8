"""Benchmark: attribution of one model, DeepLIFT/SHAP + TF-MoDISco, beside ISM and saliency.

DeepLIFT/SHAP of 2,000 test sequences (200 nt) of the default run's CNN-25 for one class against
10 dinucleotide-shuffled references each, then TF-MoDISco on the maps (after its numba kernels
are compiled), beside in-silico saturation mutagenesis (every single-base substitution, all
classes in one pass) and saliency of the same sequences, in the same run; on a GPU too where one
is present. Needs the default run's model (`.venv/bin/snakemake --cores all`). From the
repository root:

    NUMBA_CACHE_DIR=$PWD/resources/numba_cache PYTHONPATH=scripts \\
        .venv/bin/python tests/benchmarks/bench_attribution.py
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / "resources" / "numba_cache"))
sys.path.insert(0, str(REPO / "scripts"))

import numpy as np
import torch

from motifnet.data.encoded import load_split
from motifnet.interpret.attribution import deep_lift_shap, ism_outputs, saliency
from motifnet.interpret.attribution_maps import ClassAttributions
from motifnet.interpret.patterns import tfmodisco, warm_up
from motifnet.train.checkpoint import load_model

TARGET_SECONDS = 120.0
MODISCO = {"max_seqlets": 2000, "window": 20, "flank": 5, "seqlet_fdr": 0.05,
           "min_seqlets": 100, "min_pattern_seqlets": 20, "leiden_runs": 2}


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


def run(model, x: np.ndarray, target: int, references: int, batch: int,
        device: torch.device) -> list[tuple[str, float]]:
    """Seconds of each method on ``device``."""
    xs = torch.from_numpy(x)
    (maps, warned), dls = timed(deep_lift_shap, model, xs, target, references, 0, batch, device)
    found, modisco = timed(tfmodisco, ClassAttributions("c", np.arange(len(x)).astype(str), x,
                                                        maps, "", "", ""), MODISCO)
    _, ism = timed(ism_outputs, model, xs, batch, device)
    _, grad = timed(saliency, model, xs, target, batch, device)
    patterns = len(found["pos_patterns"]) + len(found["neg_patterns"])
    print(f"  ({patterns} patterns; {warned} DeepLIFT convergence warnings)")
    return [(f"DeepLIFT/SHAP, {references} references", dls), ("TF-MoDISco on its maps", modisco),
            ("DeepLIFT/SHAP + TF-MoDISco", dls + modisco),
            ("ISM (all classes, one pass)", ism), ("saliency (corrected gradient)", grad)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="results/koo_synthetic/cnn-25/model.pt")
    parser.add_argument("--sequences", default="results/koo_synthetic/data/test.npz")
    parser.add_argument("-n", type=int, default=2000, help="sequences")
    parser.add_argument("--references", type=int, default=10)
    parser.add_argument("--target", type=int, default=0, help="class index")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    if not Path(args.model).exists():
        sys.exit(f"{args.model} is missing: run the default workflow first "
                 "(.venv/bin/snakemake --cores all)")
    torch.set_num_threads(args.threads)
    model, meta = load_model(args.model)
    x = load_split(args.sequences).x[:args.n].astype(np.float32)
    print(f"{meta['model']} {meta['hparams'].get('variant', '')}: {len(x)} x {x.shape[-1]} nt, "
          f"class {meta['classes'][args.target]}, {args.threads} CPU threads")
    print(f"TF-MoDISco kernels ready in {warm_up():.1f} s (compile or cache load, not counted)")
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    for device in devices:
        print(f"{device}:")
        for label, seconds in run(model, x, args.target, args.references, args.batch, device):
            print(f"  {label:34s} {seconds:7.1f} s  {len(x) / seconds:8.1f} sequences/s")
    if len(devices) == 1:
        print("cuda: unmeasured (no GPU here)")
    print(f"target: DeepLIFT/SHAP + TF-MoDISco of one model under {TARGET_SECONDS:.0f} s here")


if __name__ == "__main__":
    main()
