"""Which attribution method a model gets: the configured one, or ISM where DeepLIFT/SHAP has no
rule for one of its layers (a recurrent layer). Imports nothing heavy: the config check says it
when the workflow is parsed, and the attribute job records the same decision."""

from __future__ import annotations

from ..errors import InputError

METHODS = ("deep_lift_shap", "ism", "saliency")


def choose_method(requested: str, model: str, deeplift_problem: str | None) -> tuple[str, str]:
    """The method used for ``model`` and, after a fallback to ISM, why (else "").

    ``deeplift_problem`` is the model's own (:meth:`.ArchitectureSpec.deeplift_problem`)."""
    if requested not in METHODS:
        raise InputError(f"unknown attribution method '{requested}'; valid: {list(METHODS)}",
                         key="attribution.method")
    if requested != "deep_lift_shap" or deeplift_problem is None:
        return requested, ""
    return "ism", f"DeepLIFT/SHAP cannot attribute model '{model}': {deeplift_problem}; ISM instead"
