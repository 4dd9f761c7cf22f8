"""The hyperparameters and shape arithmetic of the ``architect`` model, without torch.

Genetic Architect (seed 004, Table 2) searches one family of networks; AttentionNet and
PromoterNet (its Tables 3 and 4) are two points of it. The family, in order:

conv1 (``kernel1``, ``activation``) [max-pool ``pool1``, Koo & Eddy's first-layer pool] ->
``convs_before - 1`` convs (``kernel``) -> ``residual_before`` residual blocks ->
dimensionality reduction (none | max | mean | strided conv, ``reduction_stride``) ->
``convs_after`` convs -> ``residual_after`` residual blocks -> ``rnn_layers`` RNN layers
(rnn | lstm, bidirectional) -> global reduction (none: flatten | attention | max | mean) ->
``fc_layers`` x FC (``fc_units``, batch norm, dropout) -> logits.

Every convolution has ``filters`` channels and 'same' padding; the nonlinearity is Table 2's
(ReLU, leaky 0.01, very leaky 1/3, ELU), the first layer's may differ (``activation``: exp is
Koo & Ploenzke's). Table 2 has residual blocks as true/false and 1-5 convs after the
reduction; here both are counts from 0 (AttentionNet has 5 blocks, PromoterNet none after its
stem convs and 3 after the pool). The defaults are AttentionNet's.

The Snakefile checks search spaces with this class, so it imports nothing heavy.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import InputError
from ..params import Param
from .spec import ArchitectureSpec, kernel_problem, pooled_length

NONLINEARITIES = ("relu", "leaky_relu", "very_leaky_relu", "elu")
FIRST_ACTIVATIONS = (*NONLINEARITIES, "exp")
REDUCTIONS = ("none", "max", "mean", "strided")
GLOBAL_REDUCTIONS = ("none", "attention", "max", "mean")


class ArchitectSpec(ArchitectureSpec):
    """Hyperparameters of ``architect`` and what follows from them, on plain values."""

    name: ClassVar[str] = "architect"
    params: ClassVar[dict[str, Param]] = {
        "filters": Param(int, 64, low=1),
        "kernel": Param(int, 3, low=1),
        "kernel1": Param(int, None, low=1),  # None: kernel
        "activation": Param(str, None, choices=FIRST_ACTIVATIONS),  # None: nonlinearity
        "pool1": Param(int, 1, low=1),
        "nonlinearity": Param(str, "elu", choices=NONLINEARITIES),
        "conv_batchnorm": Param(bool, True),
        "convs_before": Param(int, 2, low=1),
        "residual_before": Param(int, 5, low=0),
        "reduction": Param(str, "none", choices=REDUCTIONS),
        "reduction_stride": Param(int, 4, low=1),
        "convs_after": Param(int, 0, low=0),
        "residual_after": Param(int, 0, low=0),
        "rnn_layers": Param(int, 0, low=0),
        "rnn_units": Param(int, 16, low=1),
        "rnn_type": Param(str, "lstm", choices=("rnn", "lstm")),
        "bidirectional": Param(bool, False),
        "global_reduction": Param(str, "attention", choices=GLOBAL_REDUCTIONS),
        "fc_layers": Param(int, 3, low=0),
        "fc_units": Param(int, 256, low=1),
        "fc_batchnorm": Param(bool, False),
        "dropout": Param(float, 0.2, low=0.0, high=1.0),
        # logits averaged over both strands (every model's rc_average, searchable here)
        "rc_average": Param(bool, False),
    }

    @classmethod
    def resolve(cls, given: dict, key: str | None) -> dict:
        return cls.resolve_own(super().resolve(given, key))

    @classmethod
    def resolve_own(cls, hp: dict) -> dict:
        """Fill ``kernel1`` and ``activation`` from ``kernel`` and ``nonlinearity``."""
        hp = dict(hp)
        if hp["kernel1"] is None:
            hp["kernel1"] = hp["kernel"]
        if hp["activation"] is None:
            hp["activation"] = hp["nonlinearity"]
        return hp

    @classmethod
    def check(cls, given: dict, key: str | None = None) -> dict:
        """``given`` over the defaults, every value checked (no rc_average: the model's
        ``resolve`` adds it); errors name ``<key>.<param>``."""
        unknown = sorted(set(given) - set(cls.params))
        if unknown:
            raise InputError(
                f"model 'architect' has no parameter(s) {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(cls.params))}",
                key=None if key is None else f"{key}.{unknown[0]}")
        hp = {}
        for name, spec in cls.params.items():
            value = given.get(name)
            hp[name] = spec.default if value is None else spec.check(
                name, value, "model 'architect' parameter",
                None if key is None else f"{key}.{name}")
        return cls.resolve_own(hp)

    @classmethod
    def positions(cls, hp: dict, length: int) -> tuple[int, int]:
        """Positions after the first-layer pool and after the dimensionality reduction
        ('same' semantics: ceil(length / stride))."""
        after1 = pooled_length(length, hp["pool1"])
        stride = 1 if hp["reduction"] == "none" else hp["reduction_stride"]
        return after1, pooled_length(after1, stride)

    @classmethod
    def length_problem(cls, hp: dict, length: int) -> str | None:
        """Why sequences of ``length`` cannot pass these layers, or None."""
        after1, _ = cls.positions(hp, length)
        wide = kernel_problem("conv1 (kernel1)", hp["kernel1"], length)
        if wide:
            return wide
        if length < hp["pool1"]:
            return f"the first-layer max-pool (size {hp['pool1']}) would pool only {length} " \
                   "position(s)"
        if hp["reduction"] != "none" and after1 < hp["reduction_stride"]:
            return (f"the {hp['reduction']} reduction (stride {hp['reduction_stride']}) would "
                    f"reduce only {after1} position(s)")
        return None

    @classmethod
    def channels(cls, hp: dict) -> int:
        """Channels entering the global reduction: RNN outputs, else the conv filters."""
        if hp["rnn_layers"]:
            return hp["rnn_units"] * (2 if hp["bidirectional"] else 1)
        return hp["filters"]

    @classmethod
    def reduced_width(cls, hp: dict, length: int) -> int:
        """Features after the global reduction (flatten: channels x positions)."""
        width = cls.channels(hp)
        return width * cls.positions(hp, length)[1] if hp["global_reduction"] == "none" \
            else width

    @classmethod
    def motif_windows(cls, hp: dict) -> dict[str, tuple[int, int]]:
        """(width, offset) of the convolutions that map back to the input at stride 1: conv1,
        and the convs before the reduction when there is no first-layer pool."""
        k1, k = hp["kernel1"], hp["kernel"]
        found = {"conv1": (k1, (k1 - 1) // 2)}
        if hp["pool1"] == 1:
            for i in range(2, hp["convs_before"] + 1):
                found[f"conv{i}"] = (k1 + (i - 1) * (k - 1), (k1 - 1) // 2 + (i - 1) * ((k - 1) // 2))
        return found

    @classmethod
    def recurrent_layer(cls, hp: dict) -> tuple[str, str] | None:
        """The recurrent layer (DeepLIFT has no rule for it), or None."""
        if not hp["rnn_layers"]:
            return None
        return ("LSTM" if hp["rnn_type"] == "lstm" else "RNN"), "rnn"
