"""Training settings: precedence and type checks."""

from __future__ import annotations

import pytest

from motifnet.errors import InputError
from motifnet.train.settings import DEFAULTS, resolve_training


def test_resolve_training_precedence_and_errors():
    resolved = resolve_training({"lr": 0.01, "epochs": 3}, {"epochs": 7, "rc_augment": True})
    assert resolved["lr"] == 0.01 and resolved["epochs"] == 7 and resolved["rc_augment"] is True
    assert resolved["batch_size"] == DEFAULTS["batch_size"]
    assert set(resolved) == set(DEFAULTS)
    assert isinstance(resolve_training({"lr": 1}, None)["lr"], float)
    with pytest.raises(InputError, match=r"architectures\.cnn\.training\.epochs.*integer"):
        resolve_training({}, {"epochs": "ten"}, arch="cnn")
    with pytest.raises(InputError, match=r"(?s)training\.lr.*1\.0e-3"):
        resolve_training({"lr": "1e-3"}, {})
    with pytest.raises(InputError, match=r"training\.lr.*must be > 0"):
        resolve_training({"lr": 0}, {})
    with pytest.raises(InputError, match=r"training\.amp"):
        resolve_training({"amp": 1}, {})
    with pytest.raises(InputError, match=r"training\.scheduler.*allowed"):
        resolve_training({"scheduler": "cosine"}, {})
    with pytest.raises(InputError, match=r"unknown training setting 'epoch'"):
        resolve_training({"epoch": 3}, {})
