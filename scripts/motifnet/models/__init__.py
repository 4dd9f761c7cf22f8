"""The model zoo: PyTorch architectures mapping one-hot DNA (N, 4, L) to logits (N, K).

``build_model(name, n_outputs, length, params)`` checks the name, the hyperparameters and the
sequence length and returns a :class:`MotifModel`; ``known_models()`` lists the names.
The names below are imported on first use, so torch-free modules of this package (e.g.
:mod:`.architect_spec`) import without torch.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "MotifModel": ".base",
    "build_model": ".registry",
    "known_models": ".registry",
    "ReverseComplementAverage": ".strand",
    "revcomp": ".strand",
}
__all__ = ["MotifModel", "ReverseComplementAverage", "build_model", "known_models", "revcomp"]


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name], __name__), name)
