"""Typed parameters, checked where the config is read: model hyperparameters and training
settings share them. Imports nothing heavy (the Snakefile checks the config with them)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

from .errors import InputError

_EXPECTED = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}


@dataclass(frozen=True)
class Param:
    """One parameter: its type, default (None: filled in by its owner), bounds and choices."""

    kind: type
    default: object
    low: float | None = None  # inclusive
    above: float | None = None  # exclusive lower bound
    high: float | None = None  # exclusive
    choices: tuple[str, ...] | None = None

    def check(self, name: str, value: object, what: str, key: str | None) -> object:
        """The value converted to ``kind``; an InputError names ``what`` (e.g. "training
        setting"), the parameter, the expected type or range, and ``key`` (its config path)."""
        if self.kind is bool:
            ok = isinstance(value, bool)
        elif self.kind in (int, float):
            number = numbers.Integral if self.kind is int else numbers.Real
            ok = isinstance(value, number) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok:
            hint = ("YAML reads 1e-3 as text; write 1.0e-3"
                    if self.kind is float and isinstance(value, str) else None)
            raise InputError(f"{what} '{name}' must be {_EXPECTED[self.kind]}, got {value!r} "
                             f"({type(value).__name__})", key=key, hint=hint)
        value = self.kind(value)
        if self.choices is not None and value not in self.choices:
            raise InputError(f"{what} '{name}' is {value!r}; allowed: {', '.join(self.choices)}",
                             key=key)
        for relation, bound, holds in ((">=", self.low, lambda b: value >= b),
                                       (">", self.above, lambda b: value > b),
                                       ("<", self.high, lambda b: value < b)):
            if bound is not None and not holds(bound):
                raise InputError(f"{what} '{name}' is {value}; it must be {relation} {bound}",
                                 key=key)
        return value
