"""The one exception type for bad user input."""

from __future__ import annotations

from os import PathLike


class InputError(ValueError):
    """Bad input: the message names the file, line or key, and says what to do."""

    def __init__(
        self,
        problem: str,
        *,
        path: str | PathLike | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.path = None if path is None else str(path)
        self.line = line
        self.key = key
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}, line {self.line}"
        if self.key is not None:
            where = f"{where} [{self.key}]" if where else f"config key '{self.key}'"
        message = f"{where}: {self.problem}" if where else self.problem
        if self.hint:
            message += f"\n  what to do: {self.hint}"
        return message
