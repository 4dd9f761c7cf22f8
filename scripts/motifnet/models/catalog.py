"""The architectures the workflow knows, declared without torch (:mod:`.spec`), and the one check
of an architecture entry: model name, hyperparameters, output count and sequence length.

The layers of each are built by the module of its name (:mod:`.koo_cnn`, ...), from these
declarations; :func:`~.registry.build_model` checks with :func:`check_architecture` first.
"""

from __future__ import annotations

import numbers

from ..errors import InputError
from .architect_spec import ArchitectSpec
from .spec import (
    ArchitectureSpec,
    Param,
    activation,
    count,
    dropout,
    kernel_problem,
    pool_problem,
    pooled_length,
    same_offset,
    shortest_length,
    size,
)

# Koo & Eddy's named CNN-N architectures: kernel sizes and pool sizes (p1 * p2 = 100).
KOO_VARIANTS: dict[str, dict[str, int]] = {
    "cnn-1": {"kernel1": 19, "kernel2": 5, "pool1": 1, "pool2": 100},
    "cnn-2": {"kernel1": 19, "kernel2": 5, "pool1": 2, "pool2": 50},
    "cnn-4": {"kernel1": 19, "kernel2": 5, "pool1": 4, "pool2": 25},
    "cnn-10": {"kernel1": 19, "kernel2": 5, "pool1": 10, "pool2": 10},
    "cnn-25": {"kernel1": 19, "kernel2": 5, "pool1": 25, "pool2": 4},
    "cnn-50": {"kernel1": 19, "kernel2": 5, "pool1": 50, "pool2": 2},
    "cnn-100": {"kernel1": 19, "kernel2": 5, "pool1": 100, "pool2": 1},
    "cnn9-4": {"kernel1": 9, "kernel2": 5, "pool1": 4, "pool2": 25},
    "cnn9-25": {"kernel1": 9, "kernel2": 5, "pool1": 25, "pool2": 4},
    "cnn3-2": {"kernel1": 3, "kernel2": 5, "pool1": 2, "pool2": 50},
    "cnn3-50": {"kernel1": 3, "kernel2": 5, "pool1": 50, "pool2": 2},
    "cnn-50-2": {"kernel1": 19, "kernel2": 5, "pool1": 50, "pool1_stride": 2, "pool2": 50},
    "cnn19-1-2": {"kernel1": 19, "kernel2": 1, "pool1": 2, "pool2": 50},
}


def stacked_windows(kernels: list[int]) -> dict[str, tuple[int, int]]:
    """Windows of stride-1 'same' convolutions stacked with no pooling between them."""
    windows, width, offset = {}, 1, 0
    for i, kernel in enumerate(kernels, start=1):
        width, offset = width + kernel - 1, offset + same_offset(kernel)
        windows[f"conv{i}"] = (width, offset)
    return windows


class KooCNNSpec(ArchitectureSpec):
    """Koo & Eddy's CNN-N; ``variant`` picks the paper's kernel and pool sizes, explicit values
    win. Pool strides default to the pool size (cnn-50-2: first stride 2)."""

    name = "koo_cnn"
    params = {
        "variant": Param(str, "cnn-25", choices=tuple(KOO_VARIANTS)),
        "filters1": size(30),
        "activation": activation(),
        "kernel1": count(),
        "pool1": count(),
        "pool1_stride": count(),
        "filters2": size(128),
        "kernel2": count(),
        "pool2": count(),
        "pool2_stride": count(),
        "dense_units": size(512),
        "dense_batchnorm": Param(bool, True),
        "dropout_conv": dropout(0.1),
        "dropout_dense": dropout(0.5),
    }

    @classmethod
    def resolve(cls, given: dict, key: str | None) -> dict:
        hp = super().resolve(given, key)
        for name, value in KOO_VARIANTS[hp["variant"]].items():
            if hp[name] is None:
                hp[name] = value
        for pool in ("pool1", "pool2"):
            if hp[f"{pool}_stride"] is None:
                hp[f"{pool}_stride"] = hp[pool]
            if hp[f"{pool}_stride"] > hp[pool]:
                raise InputError(
                    f"model 'koo_cnn' parameter '{pool}_stride' ({hp[f'{pool}_stride']}) is larger "
                    f"than '{pool}' ({hp[pool]}): positions would be skipped",
                    key=None if key is None else f"{key}.params.{pool}_stride",
                )
        return hp

    @classmethod
    def positions(cls, hp: dict, length: int) -> tuple[int, int]:
        """Positions after the first and the second max-pool."""
        after1 = pooled_length(length, hp["pool1_stride"])
        return after1, pooled_length(after1, hp["pool2_stride"])

    @classmethod
    def length_problem(cls, hparams: dict, length: int) -> str | None:
        after1, _ = cls.positions(hparams, length)
        return kernel_problem("conv1 (kernel1)", hparams["kernel1"], length) or pool_problem(
            "the first max-pool", length, hparams["pool1"]) or pool_problem(
            "the second max-pool", after1, hparams["pool2"]
        )

    @classmethod
    def motif_windows(cls, hparams: dict) -> dict[str, tuple[int, int]]:
        kernels = [hparams["kernel1"]]
        if hparams["pool1"] == 1 and hparams["pool1_stride"] == 1:
            kernels.append(hparams["kernel2"])
        return stacked_windows(kernels)


class PromoterCNNSpec(ArchitectureSpec):
    """PromoterCNN (seed 000): conv k19 -> max-pool 4 -> conv k11 -> global max -> dense."""

    name = "promoter_cnn"
    params = {
        "filters1": size(128),
        "kernel1": size(19),
        "activation": activation(),
        "pool1": size(4),
        "filters2": size(64),
        "kernel2": size(11),
        "dense_units": size(128),
        "dropout": dropout(0.3),
    }

    @classmethod
    def length_problem(cls, hparams: dict, length: int) -> str | None:
        return kernel_problem("conv1 (kernel1)", hparams["kernel1"], length) or pool_problem(
            "the max-pool after conv1", length, hparams["pool1"])

    @classmethod
    def motif_windows(cls, hparams: dict) -> dict[str, tuple[int, int]]:
        kernels = [hparams["kernel1"]] + ([hparams["kernel2"]] if hparams["pool1"] == 1 else [])
        return stacked_windows(kernels)


class DeepBindSpec(ArchitectureSpec):
    """DeepBind (Alipanahi et al. 2015): one conv layer, global pooling, small dense head."""

    name = "deepbind"
    params = {
        "filters": size(16),
        "kernel": size(24),
        "activation": activation(),
        "pooling": Param(str, "maxavg", choices=("max", "maxavg")),
        "dense_units": size(32),
        "dropout": dropout(0.5),
    }

    @classmethod
    def length_problem(cls, hparams: dict, length: int) -> str | None:
        return kernel_problem("conv1 (kernel)", hparams["kernel"], length)

    @classmethod
    def motif_windows(cls, hparams: dict) -> dict[str, tuple[int, int]]:
        return stacked_windows([hparams["kernel"]])


GB_UNITS = 3


def gb_unit_lengths(length: int, kernel: int, pool: int) -> list[int]:
    """Positions after each conv and after each pool of the Genomic Benchmarks CNNs, in order
    (conv1, pool1, conv2, ...): 'valid' convolutions, floor pooling."""
    out = []
    for _ in range(GB_UNITS):
        length = length - kernel + 1
        out.append(length)
        length = length // pool if length >= pool else 0
        out.append(length)
    return out


class _GBCNNSpec(ArchitectureSpec):
    """The Genomic Benchmarks CNNs' trunk: three units of valid conv, BN, ReLU, max-pool."""

    @classmethod
    def length_problem(cls, hparams: dict, length: int) -> str | None:
        lengths = gb_unit_lengths(length, hparams["kernel"], hparams["pool"])
        for unit in range(GB_UNITS):
            if lengths[2 * unit] < hparams["pool"]:
                return (
                    f"conv{unit + 1} (k{hparams['kernel']}, no padding) leaves "
                    f"{max(lengths[2 * unit], 0)} position(s) for a max-pool of {hparams['pool']}"
                )
        return None

    @classmethod
    def motif_windows(cls, hparams: dict) -> dict[str, tuple[int, int]]:
        return {"conv1": (hparams["kernel"], 0)}


class GBBasicSpec(_GBCNNSpec):
    """Genomic Benchmarks Keras baseline (global average pooling)."""

    name = "gb_basic"
    params = {
        "filters1": size(32),
        "filters2": size(16),
        "filters3": size(4),
        "kernel": size(8),
        "activation": activation(),
        "pool": size(2),
        "dropout": dropout(0.3),
    }


class GBFinalSpec(_GBCNNSpec):
    """Genomic Benchmarks PyTorch baseline (flatten, dense 512)."""

    name = "gb_final"
    params = {
        "filters1": size(16),
        "filters2": size(8),
        "filters3": size(4),
        "kernel": size(8),
        "activation": activation(),
        "pool": size(2),
        "dense_units": size(512),
    }


class _StemSpec(ArchitectureSpec):
    """Genetic Architect's models: a stem of 'same' convolutions before any pooling, all of
    which map to input windows (conv1 width k, conv2 2k - 1, ...)."""

    @classmethod
    def length_problem(cls, hparams: dict, length: int) -> str | None:
        return kernel_problem("conv1 (kernel)", hparams["kernel"], length)

    @classmethod
    def motif_windows(cls, hparams: dict) -> dict[str, tuple[int, int]]:
        return stacked_windows([hparams["kernel"]] * hparams["stem_convs"])


class AttentionNetSpec(_StemSpec):
    """AttentionNet (seed 004, table 3)."""

    name = "attention_net"
    params = {
        "filters": size(64),
        "kernel": size(3),
        "activation": activation("elu"),
        "stem_convs": size(2),
        "residual_blocks": size(5, low=0),
        "fc_units": size(256),
        "fc_layers": size(3, low=0),
        "dropout": dropout(0.2),
    }


class PromoterNetSpec(_StemSpec):
    """PromoterNet (seed 004, table 4): the stem, a max-pool, residual blocks and an LSTM."""

    name = "promoter_net"
    params = {
        "filters": size(8),
        "kernel": size(5),
        "activation": activation("elu"),
        "stem_convs": size(4),
        "pool": size(4),
        "residual_blocks": size(3, low=0),
        "lstm_units": size(16),
        "fc_units": size(256),
        "fc_layers": size(3, low=0),
        "dropout": dropout(0.3),
    }

    @classmethod
    def length_problem(cls, hparams: dict, length: int) -> str | None:
        return super().length_problem(hparams, length) or pool_problem(
            "the max-pool after the stem", length, hparams["pool"])

    @classmethod
    def recurrent_layer(cls, hparams: dict) -> tuple[str, str] | None:
        return ("LSTM", "lstm")


class BiGRUAttentionSpec(ArchitectureSpec):
    """PromoterRNN (seed 001): embedding, bidirectional GRU, additive attention; no convolution."""

    name = "bigru_attention"
    params = {
        "embed_dim": size(256),
        "hidden": size(256),
        "gru_layers": size(1),
        "attention_dim": size(512),
        "fc1_units": size(256),
        "fc2_units": size(128),
        "dropout": dropout(0.3),
    }

    @classmethod
    def recurrent_layer(cls, hparams: dict) -> tuple[str, str] | None:
        return ("GRU", "gru")


ARCHITECTURES: dict[str, type[ArchitectureSpec]] = {
    spec.name: spec
    for spec in (
        ArchitectSpec,
        AttentionNetSpec,
        BiGRUAttentionSpec,
        DeepBindSpec,
        GBBasicSpec,
        GBFinalSpec,
        KooCNNSpec,
        PromoterCNNSpec,
        PromoterNetSpec,
    )
}


def known_models() -> list[str]:
    """Names of the known architectures, sorted."""
    return sorted(ARCHITECTURES)


def check_architecture(
    model: str, n_outputs: int, length: int, params: dict | None = None, *, key: str | None = None
) -> tuple[type[ArchitectureSpec], dict]:
    """The declaration of ``model`` and its resolved hyperparameters for ``n_outputs`` outputs and
    sequences of ``length``; everything a model is built from, checked without building it.

    ``key`` is the config path of the architecture entry (e.g. "architectures.cnn25"); errors
    then name "<key>.model" or "<key>.params.<name>". Bad input raises
    :class:`motifnet.errors.InputError`.
    """
    if model not in ARCHITECTURES:
        raise InputError(
            f"unknown model {model!r}; known models: {', '.join(known_models())}",
            key=None if key is None else f"{key}.model",
            hint="set architectures.<name>.model to one of the known models",
        )
    spec = ARCHITECTURES[model]
    for name, value in (("n_outputs", n_outputs), ("length", length)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
            raise InputError(f"model {model!r}: {name} must be a positive integer, got {value!r}")
    if params is not None and not isinstance(params, dict):
        raise InputError(
            f"parameters of model {model!r} must be a mapping of names to values, "
            f"got {type(params).__name__}",
            key=None if key is None else f"{key}.params",
        )
    hparams = spec.resolve(params or {}, key)
    problem = spec.length_problem(hparams, int(length))
    if problem is not None:
        shortest = shortest_length(lambda n: spec.length_problem(hparams, n) is None)
        raise InputError(
            f"sequence length {length} is too short for model {model!r} "
            f"with these parameters: {problem}",
            key=key,
            hint=f"use sequences of at least {shortest} nt, or smaller pool sizes / kernels",
        )
    return spec, hparams
