"""TomTom engines and the distances each computes; imports nothing heavy (the Snakefile checks
the config with it before any job runs)."""

from __future__ import annotations

from ..errors import InputError

ENGINES = ("auto", "meme", "builtin", "memelite")
DISTANCES = ("pearson", "ed")
ENGINE_DISTANCES = {"meme": DISTANCES, "builtin": DISTANCES, "memelite": ("ed",)}


def check_engine(engine: str) -> None:
    """An InputError unless ``engine`` is one of :data:`ENGINES`."""
    if engine not in ENGINES:
        raise InputError(
            f"unknown TomTom engine '{engine}'; valid: {list(ENGINES)}", key="tomtom.engine"
        )


def check_distance(engine: str, dist: str) -> None:
    """An InputError unless ``engine`` (``auto``: meme or builtin) computes distance ``dist``."""
    check_engine(engine)
    if dist not in DISTANCES:
        raise InputError(
            f"unknown TomTom distance '{dist}'; valid: {list(DISTANCES)}", key="tomtom.dist"
        )
    resolved = ("meme", "builtin") if engine == "auto" else (engine,)
    if not all(dist in ENGINE_DISTANCES[e] for e in resolved):
        able = [e for e, d in ENGINE_DISTANCES.items() if dist in d]
        raise InputError(
            f"TomTom engine '{engine}' does not compute distance '{dist}'; engines that do: "
            f"{', '.join(able)}",
            key="tomtom.dist",
            hint=f"set tomtom.engine to one of {able}, or tomtom.dist to one of "
            f"{list(ENGINE_DISTANCES[resolved[0]])}",
        )
