"""The derivation library: the results of the ML-theory and regression homeworks, proved for symbolic K, n and d.

Each topic is a module (``bce``, ``softmax``, ``cross_entropy``, ``regularization``, ``mlp``,
``linear_regression``, ``logistic_regression``; ``kernels`` and ``regression_kernels`` compile them) that
registers its derivations with symcheck and exposes the results as documented SymPy objects::

    from derivations import softmax
    softmax.jacobian_entry        # ŷ_i (δ_ik − ŷ_k)

Topic modules are imported on first access, so ``import derivations`` is cheap.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

TOPICS = ("bce", "softmax", "cross_entropy", "regularization", "mlp", "linear_regression", "logistic_regression")
__all__ = [*TOPICS, "kernels", "regression_kernels", "notation", "register_all"]


def register_all() -> None:
    """Import every topic module, which registers its derivations (the entry point calls this)."""
    from symcheck import order_modules

    for topic in TOPICS:
        import_module(f"derivations.{topic}")
    order_modules([f"derivations.{topic}" for topic in TOPICS])  # the same order however they were imported
    import_module("derivations.sheets")  # registers the answer sheets that ship with the library


def __getattr__(name: str) -> ModuleType:
    if name in (*TOPICS, "kernels", "regression_kernels", "notation"):
        module = import_module(f"derivations.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'derivations' has no attribute {name!r}")
