"""Attribution with tangermeme: how much each base drives a model's output for one class.

Methods (``attribution.method``), each giving hypothetical maps (N, 4, L) of the class's logit:

- ``deep_lift_shap``: DeepLIFT's rescale rule averaged over dinucleotide-shuffled references
  (tangermeme's ``deep_lift_shap``);
- ``ism``: in-silico saturation mutagenesis (tangermeme's ``saturation_mutagenesis``): each
  substitution's change of the logit, centred per position over the four bases;
- ``saliency``: the input gradient with Majdandzic et al.'s (2023) correction, the mean over
  the four bases at each position subtracted (tangermeme's ``saliency``).

DeepLIFT needs a rule for every non-linear layer. tangermeme has them for activations and
max-pooling; the zoo's own layers get theirs here (:func:`deeplift_rules`): the global max-pool
is a max-pool, the exponential activation takes the rescale rule of any elementwise function,
and attention pooling takes tangermeme's integrated-gradients rule for custom layers.
Recurrent layers have none, so such models fall back to ISM
(:mod:`.methods`), which the workflow says when it reads the config and the output
records. A strand-averaged model runs its two strands as one
batch, which would pair DeepLIFT's inputs with the wrong references; it is attributed as the
same average of two separate passes (:class:`TwoPassStrandAverage`).

A regression model is attributed per target (tangermeme's ``target``: the target's output, a
log-rate for a Poisson model) over the sequences whose observed value lies in the target's
top quarter of the split (:func:`chosen_rows`), its "positives".
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..data.encoded import EncodedSplit, load_encoding, load_split
from ..errors import InputError
from ..models.layers import ConvAttentionPool, Exp, GlobalMaxPool1d
from ..models.strand import ReverseComplementAverage, revcomp
from ..train.checkpoint import load_model
from ..train.devices import job_device
from .attribution_maps import ClassAttributions, class_path, write_summary
from .methods import choose_method

log = logging.getLogger(__name__)

# a regression target's sequences to attribute: observed value above this quantile
TOP_QUANTILE = 0.75
# Gauss-Legendre nodes of the integrated-gradients rule for attention pooling
ATTENTION_NODES = 8


class TwoPassStrandAverage(nn.Module):
    """(f(x) + f(revcomp(x))) / 2 in two forward passes: the logits of a
    :class:`ReverseComplementAverage` model, with each pass's batch its own."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (self.inner(x) + self.inner(revcomp(x))) / 2


def deeplift_rules() -> dict:
    """DeepLIFT rules for the zoo's own layers, beside tangermeme's built-in ones."""
    from tangermeme.deep_lift_shap import _maxpool, _nonlinear, integrated_gradients_op

    return {GlobalMaxPool1d: _maxpool, Exp: _nonlinear,
            ConvAttentionPool: integrated_gradients_op(ATTENTION_NODES, name="attention_pool")}


def chosen_classes(classes: list[str], wanted: list[str]) -> list[int]:
    """Indices of the classes to attribute: ``wanted`` (all when empty), checked."""
    unknown = [name for name in wanted if name not in classes]
    if unknown:
        raise InputError(f"class(es) {unknown} are not classes of this dataset",
                         key="attribution.classes", hint=f"its classes: {', '.join(classes)}")
    return [classes.index(name) for name in wanted] if wanted else list(range(len(classes)))


def chosen_rows(y: np.ndarray, task: str) -> np.ndarray:
    """(N, K) boolean: the sequences attributed for each output; for a classifier those
    positive for the class, for a regression target those whose value is above the target's
    :data:`TOP_QUANTILE` (its top quarter) in the split."""
    if task != "regression":
        return y.astype(bool)
    return y > np.quantile(y, TOP_QUANTILE, axis=0, keepdims=True)


@dataclass
class Target:
    """One class to attribute: its name, the model output explaining it (``column``), the
    output's ``sign`` (-1: the negative class of a binary task, whose evidence lowers the
    output) and the rows of its sequences."""

    name: str
    column: int
    sign: int
    rows: np.ndarray


def stratified_sample(rows: np.ndarray, split: np.ndarray, max_sequences: int,
                      rng: np.random.Generator) -> np.ndarray:
    """``rows`` (all, or a random ``max_sequences`` of them, each split contributing its share
    of ``rows``: the largest-remainder rounding of ``max_sequences`` times that share), sorted."""
    if len(rows) <= max_sequences:
        return rows
    names, counts = np.unique(split[rows], return_counts=True)
    quota = counts * max_sequences / len(rows)
    take = np.floor(quota).astype(int)
    take[np.argsort(-(quota - take), kind="stable")[:max_sequences - take.sum()]] += 1
    chosen = [rng.choice(rows[split[rows] == name], n, replace=False)
              for name, n in zip(names, take)]
    return np.sort(np.concatenate(chosen))


def select_targets(y: np.ndarray, split: np.ndarray, classes: list[str], columns: list[int],
                   negative_class: str | None, max_sequences: int, seed: int) -> list[Target]:
    """The classes to attribute with their sequences: per class in ``columns`` those positive
    for it and, with a ``negative_class`` (binary task whose label 0 is a real class), the
    sequences labelled 0 for it; at most ``max_sequences`` per class, a seeded sample
    stratified by ``split`` (the split of each row)."""
    rng = np.random.default_rng(seed)
    targets = [Target(classes[k], k, 1, np.flatnonzero(y[:, k])) for k in columns]
    if negative_class is not None:
        targets.append(Target(negative_class, 0, -1, np.flatnonzero(y[:, 0] == 0)))
    for target in targets:
        target.rows = stratified_sample(target.rows, split, max_sequences, rng)
    return targets


def uniform_references(x: torch.Tensor, references: int, seed: int) -> torch.Tensor:
    """(N, references, 4, L) dinucleotide shuffles of sequences whose unknown bases are
    uniform columns (0.25 each): shuffled as unknown characters (tangermeme's ``allow_N``),
    then uniform again, so a reference encodes its unknown bases as the data does."""
    from tangermeme.ersatz import dinucleotide_shuffle

    known = (x.amax(dim=1, keepdim=True) == 1).to(x.dtype)
    shuffled = dinucleotide_shuffle(x * known, n=references, random_state=seed, allow_N=True)
    unknown = (shuffled.sum(dim=2, keepdim=True) == 0).to(shuffled.dtype)
    return shuffled + 0.25 * unknown


def deep_lift_shap(model: nn.Module, x: torch.Tensor, target: int, references: int,
                   seed: int, batch_size: int, device: torch.device,
                   unknown: str = "zero") -> tuple[np.ndarray, int]:
    """Hypothetical DeepLIFT/SHAP maps of output ``target`` against ``references``
    dinucleotide shuffles of each sequence (keeping ``unknown`` bases uniform where the data
    encodes them so), and how many convergence warnings tangermeme gave (the attributions of
    a pair should sum to its change of the output)."""
    from tangermeme.deep_lift_shap import deep_lift_shap as dls

    two_pass = isinstance(model, ReverseComplementAverage)
    net = TwoPassStrandAverage(model.inner) if two_pass else model
    shuffles = ({"references": uniform_references(x, references, seed), "only_warn": True}
                if unknown == "uniform" else {"n_shuffles": references})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        maps = dls(net, x, target=target, batch_size=batch_size, hypothetical=True,
                   random_state=seed, device=device, additional_nonlinear_ops=deeplift_rules(),
                   **shuffles)
    converged = [w for w in caught if "onvergence" in str(w.message)]
    # uniform columns are not one-hot, as tangermeme then says for every call
    expected = [w for w in caught if unknown == "uniform" and "one-hot" in str(w.message)]
    for w in caught:
        if w not in converged and w not in expected:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return maps.numpy(), len(converged)


def ism_outputs(model: nn.Module, x: torch.Tensor, batch_size: int,
                device: torch.device) -> tuple[np.ndarray, np.ndarray]:
    """Logits of each sequence (N, K) and of each of its single-base substitutions
    (N, 4, L, K), by tangermeme's ``saturation_mutagenesis``."""
    from tangermeme.saturation_mutagenesis import saturation_mutagenesis

    raw = saturation_mutagenesis(model, x, batch_size=batch_size, raw_outputs=True,
                                 device=device)
    return raw.y0.numpy(), raw.y_hat.numpy()


def ism_maps(y0: np.ndarray, y_hat: np.ndarray, target: int) -> np.ndarray:
    """Hypothetical ISM maps of output ``target``: each substitution's change of the output,
    centred per position over the four bases (tangermeme's aggregation)."""
    change = y_hat[..., target] - y0[:, None, None, target]
    return change - change.mean(axis=1, keepdims=True)


def saliency(model: nn.Module, x: torch.Tensor, target: int, batch_size: int,
             device: torch.device) -> np.ndarray:
    """Hypothetical gradient maps of output ``target``, Majdandzic-corrected."""
    from tangermeme.saliency import saliency as grad

    return grad(model, x, target=target, batch_size=batch_size, hypothetical=True,
                gradient_correction=True, device=device).numpy()


def attribute_classes(model: nn.Module, x: np.ndarray, ids: np.ndarray, targets: list[Target],
                      method: str, settings: dict, device: torch.device
                      ) -> tuple[list[ClassAttributions], dict]:
    """Maps of each target class over its sequences among ``x`` (the sequences chosen for any
    target; ISM mutates each once), negated for a target of sign
    -1: the evidence for the negative class; every method is linear in the output, so this is
    the attribution of the negated output), a class with none skipped (and logged), and
    figures of the run."""
    requested, fallback = settings["method"], settings.get("fallback", "")
    batch = settings["batch_size"]
    if method == "ism":
        start = time.perf_counter()
        y0, y_hat = ism_outputs(model, torch.as_tensor(x, dtype=torch.float32), batch, device)
        log.info("ISM of %d sequences in %.1f s", len(x), time.perf_counter() - start)
    done, skipped, warned = [], [], 0
    for target in targets:
        rows, k = target.rows, target.column
        if not rows.size:
            log.info("class %s: no sequence of it among those chosen; skipped", target.name)
            skipped.append(target.name)
            continue
        start = time.perf_counter()
        xs = torch.as_tensor(x[rows], dtype=torch.float32)
        if method == "deep_lift_shap":
            maps, n_warnings = deep_lift_shap(model, xs, k, settings["references"],
                                              settings["seed"], batch, device,
                                              settings.get("unknown", "zero"))
            warned += n_warnings
        elif method == "ism":
            maps = ism_maps(y0[rows], y_hat[rows], k)
        else:
            maps = saliency(model, xs, k, batch, device)
        done.append(ClassAttributions(target.name, ids[rows], x[rows], target.sign * maps,
                                      method, requested, fallback))
        log.info("class %s: %s of %d sequences%s in %.1f s", target.name, method, len(rows),
                 " (output negated: the negative class)" if target.sign < 0 else "",
                 time.perf_counter() - start)
    if warned:
        log.warning("DeepLIFT/SHAP: %d batches whose attributions do not sum to the change of "
                    "the output (convergence deltas); a layer may lack a DeepLIFT rule", warned)
    return done, {"skipped": skipped, "convergence_warnings": warned}


def load_sequences(paths: dict[str, str | os.PathLike]) -> tuple[EncodedSplit, np.ndarray]:
    """The splits of ``paths`` (name -> ``.npz``) as one, and the split of each row."""
    parts = {name: load_split(path) for name, path in paths.items()}
    joined = EncodedSplit(*(np.concatenate([getattr(p, key) for p in parts.values()])
                            for key in ("x", "y", "ids")))
    split = np.concatenate([np.full(len(p.y), name) for name, p in parts.items()])
    return joined, split


def negative_class(encoding: dict) -> str | None:
    """The class labelled 0 of a binary dataset whose negatives are a real class (two class
    files, a label column of two class names, a named label 0: ``extraction.negative_class``
    of ``encoding.json``); None for any other (generated negatives are background)."""
    if encoding.get("task") != "binary":
        return None
    return encoding.get("extraction", {}).get("negative_class")


def attribute_model(model_path: str | os.PathLike, sequences: dict[str, str | os.PathLike],
                    encoding_path: str | os.PathLike, settings: dict,
                    out_dir: str | os.PathLike, *, gpus: dict, holds_gpu: bool,
                    threads: int = 1) -> dict:
    """Attribution maps of a trained model (the config's ``attribution`` ``settings``) for up
    to ``max_sequences`` sequences per chosen class of the ``sequences`` splits (name ->
    ``.npz``), and of the negative class of a binary task where it is a real one (named in
    ``encoding.json``): one ``{class}.npz`` per class and ``attribution.json`` in
    ``out_dir``. Runs on the job's device (a GPU slot when the job holds one)."""
    torch.set_num_threads(threads)
    model, meta = load_model(model_path)
    method, fallback = choose_method(settings["method"], model.name, model.deeplift_problem())
    if fallback:
        log.warning("%s", fallback)
    classes = list(meta["classes"])
    negative = negative_class(load_encoding(encoding_path))
    wanted = list(settings["classes"])
    columns = chosen_classes(classes, wanted)
    negative = None if wanted else negative  # a list of classes names the model's outputs
    data, split = load_sequences(sequences)
    chosen_y = chosen_rows(data.y, meta["task"])
    targets = select_targets(chosen_y, split, classes, columns, negative,
                             settings["max_sequences"], settings["seed"])
    log.info("%s on up to %d sequences per class of %s (%d sequences)", method,
             settings["max_sequences"], "+".join(sequences), len(data.y))
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    chosen = np.unique(np.concatenate([t.rows for t in targets]))
    per_split = {t.name: {name: int((split[t.rows] == name).sum()) for name in sequences}
                 for t in targets if t.rows.size}
    for target in targets:  # rows of the chosen sequences
        target.rows = np.searchsorted(chosen, target.rows)
    with job_device(gpus, holds_gpu, meta["training"].get("device", "auto")) as device:
        done, figures = attribute_classes(
            model, data.x[chosen].astype(np.float32), data.ids[chosen], targets, method,
            {**settings, "fallback": fallback,
             "unknown": meta["encoding"].get("unknown", "zero")}, device)
    for maps in done:
        maps.save(class_path(out_dir, maps.class_name))
    summary = {"method": method, "requested": settings["method"], "fallback": fallback,
               "classes": [maps.class_name for maps in done], "n_sequences": int(len(chosen)),
               "sequences_per_class": {m.class_name: int(len(m.ids)) for m in done},
               "selection": (f"observed value above the target's {TOP_QUANTILE:g} quantile"
                             if meta["task"] == "regression" else "positive for the class"),
               "splits": list(sequences),
               "sequences_per_split": per_split,
               "negative_class": negative,
               **figures, "seconds": round(time.perf_counter() - start, 3),
               "device": str(device), "settings": dict(settings)}
    write_summary(out_dir, summary)
    return summary
