"""The training loop: tensor-batched epochs, validation, early stopping, prediction.

An epoch's data lives in tensors (moved to the GPU once when there is one); a batch is an
index slice of a pre-shuffled permutation (or of a weighted draw), so there is no per-sample
Python and no DataLoader. The model with the best validation score (``select_on``: macro
AUROC over classes, for a regression task the mean Pearson r over targets, or the lowest loss)
is kept; training stops early after ``patience`` epochs without improvement. A regression
model trained with MSE learns each target centred and scaled by its training mean and sd
(``standardize``), so that every target weighs alike in the loss; its predictions are scaled
back (:class:`TargetScale`). The settings (DEFAULTS, resolve_training) live in the torch-free
:mod:`.settings`.
"""

from __future__ import annotations

import logging
import math
import random
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..data.encoded import EncodedSplit
from ..errors import InputError
from .checkpoint import Resume
from .metrics import macro_auprc, macro_auroc, mean_pearson

log = logging.getLogger(__name__)

PLATEAU_FACTOR = 0.5
SGD_MOMENTUM = 0.9  # seed 004: SGD with Nesterov momentum
SCORE_NAMES = {"val_auroc": "val AUROC", "val_auprc": "val AUPRC", "val_pearson": "val Pearson r"}


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


Loss = Callable[[Tensor, Tensor], Tensor]


def make_loss(task: str, y: np.ndarray | None = None, weighting: str = "none",
              device: torch.device | str = "cpu", loss: str = "mse") -> Loss:
    """Loss on logits (N, K) and 0/1 targets (N, K): BCE for binary/multilabel, cross-entropy
    for multiclass. With ``weighting='pos_weight'`` and training labels ``y``, BCE weighs each
    class's positives by negatives/positives, and cross-entropy weighs classes by n / (K n_k).
    A regression task's outputs are the predictions (``loss`` mse) or log-rates (``loss``
    poisson: Poisson negative log-likelihood)."""
    if task == "regression":
        if loss == "poisson":
            return lambda out, target: F.poisson_nll_loss(out.float(), target, log_input=True)
        return lambda out, target: F.mse_loss(out.float(), target)
    weight = None
    if weighting == "pos_weight":
        y = np.asarray(y, dtype=np.float64)
        positives = y.sum(axis=0)
        if task == "multiclass":
            weight = len(y) / (y.shape[1] * np.maximum(positives, 1))
        else:
            weight = np.where(positives > 0, (len(y) - positives) / np.maximum(positives, 1), 1.0)
        weight = torch.as_tensor(weight, dtype=torch.float32, device=device)
    if task == "multiclass":
        return lambda logits, target: F.cross_entropy(logits.float(), target.argmax(dim=1),
                                                      weight=weight)
    return lambda logits, target: F.binary_cross_entropy_with_logits(logits.float(), target,
                                                                     pos_weight=weight)


def sample_weights(y: np.ndarray, task: str) -> Tensor:
    """Per-sequence draw weights that balance the classes (``class_weighting: sampler``).

    Binary/multiclass: 1 / size of the sequence's class. Multilabel: 1 / positives of its rarest
    label, and 1 / count for the sequences without any label.
    """
    if task == "multilabel":
        y = np.asarray(y, dtype=np.float64)
        weights = (y / np.maximum(y.sum(axis=0), 1)).max(axis=1)
        unlabelled = weights == 0
        weights[unlabelled] = 1.0 / max(int(unlabelled.sum()), 1)
    else:
        group = y[:, 0].astype(np.int64) if task == "binary" else y.argmax(axis=1)
        weights = 1.0 / np.bincount(group)[group]
    return torch.as_tensor(weights, dtype=torch.float64)


def _place(array: np.ndarray, device: torch.device) -> Tensor:
    """The array as a tensor on ``device``; kept in pinned host memory if it would crowd a GPU."""
    tensor = torch.from_numpy(np.ascontiguousarray(array))
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        if tensor.nbytes > free // 2:
            log.info("data (%.1f GB) kept in host memory; batches are copied to the GPU",
                     tensor.nbytes / 1e9)
            return tensor.pin_memory()
    return tensor.to(device)


def _batch_starts(n: int, batch_size: int) -> range:
    """Batch offsets; a last batch of one sequence is skipped (batch norm cannot train on it)."""
    return range(0, n - 1, batch_size) if n > 1 else range(n)


def mixed_precision(cfg: dict, device: torch.device) -> torch.dtype | None:
    """The autocast dtype: float16 on CUDA with ``amp``; bfloat16 on CPUs with native bf16
    (AVX512-BF16 or AMX) with ``bf16_cpu``; None (float32) otherwise."""
    if device.type == "cuda":
        return torch.float16 if cfg["amp"] else None
    if device.type == "cpu" and cfg["bf16_cpu"]:
        try:
            native = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
        except AttributeError:  # a torch without these probes: stay in float32
            native = False
        return torch.bfloat16 if native else None
    return None


def _logits(model: nn.Module, x: Tensor, device: torch.device, batch_size: int,
            amp: torch.dtype | None) -> Tensor:
    """Float32 logits (N, K) on ``device`` for data ``x`` (uint8 or float, on any device)."""
    model.eval()
    out = []
    with torch.inference_mode(), torch.autocast(device.type, dtype=amp, enabled=amp is not None):
        for start in range(0, len(x), batch_size):
            batch = x[start:start + batch_size].to(device, non_blocking=True).float()
            out.append(model(batch).float())
    return torch.cat(out)


def probabilities(logits: Tensor, task: str, loss: str = "mse") -> np.ndarray:
    """Softmax for multiclass, sigmoid for binary/multilabel; a regression task's predictions
    (the outputs, or exp of the log-rates of a Poisson model); as a float64 NumPy array."""
    if task == "regression":
        prob = logits.exp() if loss == "poisson" else logits
    else:
        prob = logits.softmax(dim=1) if task == "multiclass" else logits.sigmoid()
    return prob.cpu().double().numpy()


def predict(model: nn.Module, x: np.ndarray, task: str, device: torch.device | str = "cpu",
            batch_size: int = 512, loss: str = "mse") -> np.ndarray:
    """Class probabilities (N, K), or a regression task's predictions, for one-hot sequences
    ``x`` (N, 4, L)."""
    device = torch.device(device)
    return probabilities(_logits(model, torch.from_numpy(np.ascontiguousarray(x)), device,
                                 batch_size, amp=None), task, loss)


@dataclass
class TargetScale:
    """Per-target mean and sd a regression model's outputs are scaled back by."""

    mean: np.ndarray
    sd: np.ndarray

    @classmethod
    def of(cls, y: np.ndarray) -> TargetScale:
        """The training targets' mean and sd (1 for a constant target)."""
        y = np.asarray(y, dtype=np.float64)
        sd = y.std(axis=0)
        return cls(y.mean(axis=0), np.where(sd > 0, sd, 1.0))

    def scaled(self, y: np.ndarray) -> np.ndarray:
        return ((y - self.mean) / self.sd).astype(np.float32)

    def restored(self, prediction: np.ndarray) -> np.ndarray:
        return prediction * self.sd + self.mean

    def record(self) -> dict:
        return {"mean": self.mean.tolist(), "sd": self.sd.tolist()}


def target_scale(task: str, cfg: dict, y: np.ndarray) -> TargetScale | None:
    """The scale of a regression model trained with MSE and ``standardize``, else None."""
    if task == "regression" and cfg.get("loss", "mse") == "mse" and cfg.get("standardize", True):
        return TargetScale.of(y)
    return None


@dataclass
class FitResult:
    """What :func:`fit` learned: the best weights (on the CPU), the per-epoch history and the
    scale of a standardized regression model's outputs."""

    best_state: dict[str, Tensor]
    best_epoch: int
    history: list[dict]
    seconds: float
    early_stopped: bool = False
    scale: TargetScale | None = None


def _diverged(what: str, epoch: int, amp: bool) -> InputError:
    return InputError(
        f"{what} became NaN or infinite in epoch {epoch}; training stopped, no model written",
        key="training.lr",
        hint="lower training.lr, keep grad_clip > 0" + (", set amp: false" if amp else "")
        + ", and check the inputs for NaN values",
    )


def make_optimizer(model: nn.Module, cfg: dict) -> torch.optim.Optimizer:
    """``cfg["optimizer"]``: AdamW (decoupled weight decay), Adam (weight decay as an L2
    penalty in the gradient, Koo & Eddy's) or SGD with Nesterov momentum 0.9 (seed 004's
    other choice; weight decay as L2)."""
    params, lr, decay = model.parameters(), cfg["lr"], cfg["weight_decay"]
    if cfg["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=SGD_MOMENTUM, nesterov=True,
                               weight_decay=decay)
    optimizer = torch.optim.Adam if cfg["optimizer"] == "adam" else torch.optim.AdamW
    return optimizer(params, lr=lr, weight_decay=decay)


class Trainer:
    """One model's optimizer, schedulers and device-resident data; one call per epoch."""

    def __init__(self, model: nn.Module, train: EncodedSplit, val: EncodedSplit, task: str,
                 cfg: dict, device: torch.device) -> None:
        self.model, self.task, self.cfg, self.device = model.to(device), task, cfg, device
        self.generator = torch.Generator().manual_seed(cfg["seed"])
        self.x_train, self.x_val = _place(train.x, device), _place(val.x, device)
        self.scale = target_scale(task, cfg, train.y)
        y_train, y_val = ((train.y, val.y) if self.scale is None
                          else (self.scale.scaled(train.y), self.scale.scaled(val.y)))
        self.y_train = torch.as_tensor(y_train, dtype=torch.float32).to(self.x_train.device)
        self.y_val = torch.as_tensor(y_val, dtype=torch.float32, device=device)
        self.starts = _batch_starts(len(self.x_train), cfg["batch_size"])
        self.amp = mixed_precision(cfg, device)
        loss = cfg.get("loss", "mse")
        self.loss_fn = make_loss(task, train.y, cfg["class_weighting"], device, loss)
        self.val_loss_fn = make_loss(task, loss=loss)
        self.weights = (sample_weights(train.y, task)
                        if cfg["class_weighting"] == "sampler" and task != "regression" else None)
        self.optimizer = make_optimizer(model, cfg)
        self.plateau = self.onecycle = None
        if cfg["scheduler"] == "plateau":
            self.plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(
                self.optimizer, mode="max", factor=PLATEAU_FACTOR, patience=cfg["lr_patience"])
        elif cfg["scheduler"] == "onecycle":
            self.onecycle = torch.optim.lr_scheduler.OneCycleLR(
                self.optimizer, max_lr=cfg["lr"], total_steps=cfg["epochs"] * len(self.starts))
        # float16 needs loss scaling; bfloat16 has float32's range and does not
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.amp == torch.float16)

    @property
    def lr(self) -> float:
        return self.optimizer.param_groups[0]["lr"]

    def _order(self) -> Tensor:
        """This epoch's sequence indices: a permutation, or a weighted draw with replacement."""
        n = len(self.x_train)
        if self.weights is None:
            order = torch.randperm(n, generator=self.generator)
        else:
            order = torch.multinomial(self.weights, n, replacement=True, generator=self.generator)
        return order.to(self.x_train.device)

    def train_epoch(self) -> float:
        """One pass of optimizer steps over the training data; the mean training loss."""
        cfg, device, model, optimizer = self.cfg, self.device, self.model, self.optimizer
        model.train()
        order = self._order()
        total, seen = torch.zeros((), device=device), 0
        for start in self.starts:
            index = order[start:start + cfg["batch_size"]]
            xb = self.x_train[index].to(device, non_blocking=True).float()
            yb = self.y_train[index].to(device, non_blocking=True)
            if cfg["rc_augment"]:
                # The batch is already a random draw, so its first half is a random half.
                half = len(index) // 2
                xb[:half] = xb[:half].flip((1, 2))
            with torch.autocast(device.type, dtype=self.amp, enabled=self.amp is not None):
                loss = self.loss_fn(model(xb), yb)
            optimizer.zero_grad(set_to_none=True)
            self.scaler.scale(loss).backward()
            if cfg["grad_clip"] > 0:
                self.scaler.unscale_(optimizer)
                nn.utils.clip_grad_norm_(model.parameters(), cfg["grad_clip"])
            self.scaler.step(optimizer)
            self.scaler.update()
            if self.onecycle is not None:
                self.onecycle.step()
            total += loss.detach() * len(index)
            seen += len(index)
        return float(total) / max(seen, 1)

    def validate(self) -> tuple[float, np.ndarray]:
        """Validation loss (unweighted) and class probabilities (regression: predictions)."""
        logits = _logits(self.model, self.x_val, self.device, 4 * self.cfg["batch_size"], self.amp)
        prob = probabilities(logits, self.task, self.cfg.get("loss", "mse"))
        if self.scale is not None:
            prob = self.scale.restored(prob)
        return float(self.val_loss_fn(logits, self.y_val)), prob

    def end_epoch(self, score: float) -> None:
        """Let the plateau scheduler see the epoch's validation score."""
        if self.plateau is not None:
            self.plateau.step(score)

    def state_dict(self) -> dict:
        """Everything the next epoch depends on: weights, optimizer, schedulers, loss scaler
        and every random number generator (the batch order's and the global ones)."""
        schedulers = {name: getattr(self, name).state_dict()
                      for name in ("plateau", "onecycle") if getattr(self, name) is not None}
        numpy_state = np.random.get_state()
        return {
            "model": {k: v.detach().to("cpu", copy=True)
                      for k, v in self.model.state_dict().items()},
            "optimizer": self.optimizer.state_dict(), "schedulers": schedulers,
            "scaler": self.scaler.state_dict(), "generator": self.generator.get_state(),
            "torch_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
            "numpy_rng": [numpy_state[0], torch.from_numpy(numpy_state[1].copy()),
                          *numpy_state[2:]],
            "python_rng": list(random.getstate()),
        }

    def load_state_dict(self, state: dict) -> None:
        """Restore :meth:`state_dict` (the data stays where it was placed)."""
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        for name, scheduler_state in state["schedulers"].items():
            getattr(self, name).load_state_dict(scheduler_state)
        self.scaler.load_state_dict(state["scaler"])
        self.generator.set_state(state["generator"])
        torch.set_rng_state(state["torch_rng"])
        if state["cuda_rng"] and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        kind, keys, *rest = state["numpy_rng"]
        np.random.set_state((kind, keys.numpy(), *rest))
        version, internal, gauss = state["python_rng"]
        random.setstate((version, tuple(internal), gauss))


def selection_score(val_auroc: float, val_loss: float, select_on: str) -> float:
    """The score (higher is better) that picks the best epoch and stops early: validation
    AUROC, or minus the loss (``select_on: val_loss``, and where AUROC is undefined because the
    validation set lacks one of the labels)."""
    return val_auroc if select_on == "val_auroc" and math.isfinite(val_auroc) else -val_loss


def validation_scores(y: np.ndarray, prob: np.ndarray, task: str) -> dict[str, float]:
    """The validation values of an epoch: macro AUROC and AUPRC, or a regression task's mean
    Pearson r over targets; the first is what selects the model."""
    if task == "regression":
        return {"val_pearson": mean_pearson(y, prob)}
    return {"val_auroc": macro_auroc(y, prob), "val_auprc": macro_auprc(y, prob)}


def fit(model: nn.Module, train: EncodedSplit, val: EncodedSplit, task: str, cfg: dict,
        device: torch.device, resume: Resume | None = None) -> FitResult:
    """Train ``model`` on ``train``; select and early-stop on the ``select_on`` score (for a
    regression task ``val_auroc`` means the validation mean Pearson r).

    With ``resume``, the state after each completed epoch is saved there, and a state saved
    by a killed run is taken up: training goes on from the epoch after it, as if never
    interrupted.
    """
    seed_everything(cfg["seed"])
    trainer = Trainer(model, train, val, task, cfg, device)
    history: list[dict] = []
    best_score, best_epoch, best_state, early_stopped = -math.inf, 0, {}, False
    first, earlier = 1, 0.0
    saved = resume.load() if resume is not None else None
    if saved is not None:
        trainer.load_state_dict(saved["trainer"])
        history, best_epoch, best_state = saved["history"], saved["best_epoch"], saved["best"]
        best_score, earlier, first = saved["best_score"], saved["seconds"], saved["epoch"] + 1
        log.info("resuming after epoch %d of %d (state saved by an interrupted run in %s)",
                 saved["epoch"], cfg["epochs"], resume.path)
    started = time.perf_counter() - earlier
    for epoch in range(first, cfg["epochs"] + 1):
        epoch_started, lr = time.perf_counter(), trainer.lr
        train_loss = trainer.train_epoch()
        if not math.isfinite(train_loss):
            raise _diverged("the training loss", epoch, trainer.amp is not None)
        val_loss, prob = trainer.validate()
        if not math.isfinite(val_loss):
            raise _diverged("the validation loss", epoch, trainer.amp is not None)
        scores = validation_scores(val.y, prob, task)
        score = selection_score(next(iter(scores.values())), val_loss, cfg["select_on"])
        improved = score > best_score
        if improved:
            best_score, best_epoch = score, epoch
            best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        trainer.end_epoch(score)
        seconds = time.perf_counter() - epoch_started
        history.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss,
                        **scores, "lr": lr, "seconds": seconds})
        log.info("epoch %d/%d: loss %.4f, val loss %.4f, %s, lr %.2e, %.1f s%s", epoch,
                 cfg["epochs"], train_loss, val_loss,
                 ", ".join(f"{SCORE_NAMES[k]} {v:.4f}" for k, v in scores.items()),
                 lr, seconds, " (best)" if improved else "")
        if epoch - best_epoch >= cfg["patience"]:
            log.info("early stop: no improvement for %d epochs; best epoch %d",
                     cfg["patience"], best_epoch)
            early_stopped = True
            break
        if resume is not None:
            resume.save({"trainer": trainer.state_dict(), "epoch": epoch, "history": history,
                         "best_epoch": best_epoch, "best": best_state, "best_score": best_score,
                         "seconds": time.perf_counter() - started})
    return FitResult(best_state, best_epoch, history, time.perf_counter() - started,
                     early_stopped, trainer.scale)
