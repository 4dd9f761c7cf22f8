"""The registry of architectures and ``build_model``, which checks names, parameters and length."""

from __future__ import annotations

import numbers

from ..errors import InputError
from .architect import Architect
from .attention_net import AttentionNet, PromoterNet
from .base import MotifModel, shortest_length
from .bigru_attention import BiGRUAttention
from .deepbind import DeepBind
from .gb_cnn import GBBasic, GBFinal
from .koo_cnn import KooCNN
from .promoter_cnn import PromoterCNN
from .strand import ReverseComplementAverage

REGISTRY: dict[str, type[MotifModel]] = {
    cls.name: cls
    for cls in (
        Architect,
        AttentionNet,
        BiGRUAttention,
        DeepBind,
        GBBasic,
        GBFinal,
        KooCNN,
        PromoterCNN,
        PromoterNet,
    )
}


def known_models() -> list[str]:
    """Names of the registered architectures, sorted."""
    return sorted(REGISTRY)


def build_model(
    model: str, n_outputs: int, length: int, params: dict | None = None, *, key: str | None = None
) -> MotifModel:
    """Build architecture ``model`` for ``n_outputs`` logits and sequences of ``length``.

    ``params`` (hyperparameters, e.g. from the config) override the defaults; ``rc_average: true``
    wraps the model so that its logits are averaged over both strands. Everything is checked
    before any layer is built, so it is cheap to call at config time. ``key`` is the config path
    of the architecture entry (e.g. "architectures.cnn25"); errors then name
    "<key>.model" or "<key>.params.<name>". Bad input raises :class:`motifnet.errors.InputError`.
    """
    if model not in REGISTRY:
        raise InputError(
            f"unknown model {model!r}; known models: {', '.join(known_models())}",
            key=None if key is None else f"{key}.model",
            hint="set architectures.<name>.model to one of the known models",
        )
    cls = REGISTRY[model]
    for name, value in (("n_outputs", n_outputs), ("length", length)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
            raise InputError(f"model {model!r}: {name} must be a positive integer, got {value!r}")
    if params is not None and not isinstance(params, dict):
        raise InputError(
            f"parameters of model {model!r} must be a mapping of names to values, "
            f"got {type(params).__name__}",
            key=None if key is None else f"{key}.params",
        )
    hparams = cls.resolve(params or {}, key)
    problem = cls.length_problem(hparams, int(length))
    if problem is not None:
        shortest = shortest_length(lambda n: cls.length_problem(hparams, n) is None)
        raise InputError(
            f"sequence length {length} is too short for model {model!r} "
            f"with these parameters: {problem}",
            key=key,
            hint=f"use sequences of at least {shortest} nt, or smaller pool sizes / kernels",
        )
    net = cls(int(n_outputs), int(length), hparams)
    return ReverseComplementAverage(net) if hparams["rc_average"] else net
