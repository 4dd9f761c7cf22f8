"""The model zoo: PyTorch architectures mapping one-hot DNA (N, 4, L) to logits (N, K).

``build_model(name, n_outputs, length, params)`` checks the name, the hyperparameters and the
sequence length and returns a :class:`MotifModel`; ``known_models()`` lists the names.
"""

from .base import MotifModel
from .registry import build_model, known_models
from .strand import ReverseComplementAverage, revcomp

__all__ = ["MotifModel", "ReverseComplementAverage", "build_model", "known_models", "revcomp"]
