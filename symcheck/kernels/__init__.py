"""NumPy kernels generated from general-K SymPy forms: K-independent, stable by proved rewrites, fast.

The engine side of the kernel generator. A library describes a kernel as a :class:`KernelSpec`:
its arguments (class arrays ``z[j]``, integer labels, elementwise arrays, parameters), its outputs
as SymPy expressions over symbolic ``K``, and the stability :class:`Rewrite` objects those
expressions rely on. :func:`build_kernel` then

1. has :func:`symcheck.equivalent` prove every rewrite (``RewriteRefused`` otherwise; verdicts are
   cached in the process and on disk, so a build costs milliseconds after the first proof);
2. prints the outputs as whole-array NumPy code with :class:`ArrayPrinter` (a SymPy
   ``NumPyPrinter`` with ``_print_Sum``, ``_print_Indexed``, ``_print_KroneckerDelta``, ...);
3. lowers them to in-place statements over cache-sized blocks of rows, in two layouts chosen per
   call by the number of classes, and compiles the result in a private namespace;
4. settles the rows the stable forms do not (:mod:`symcheck.kernels._edges`): an output's
   ``boundary`` form gives its value where the pivot is NaN or infinite, outside what the proofs
   cover, and an output marked ``double_word`` has the rows where its sum cancels (``ŷ - y``)
   evaluated again in double-word arithmetic (:mod:`symcheck.kernels._dd`) and rounded once.
   :class:`Weighted` is a product with ``0·inf = 0``, for losses whose zero labels add nothing.

A spec with :class:`Samples` is written over the rows of a batch, as a regression derivation
states its results (``(1/n) Σ_i (Σ_l X[i, l]·w[l] − y[i])·X[i, j]``): its arguments add
:class:`Shared` vectors (``w``) and :class:`SampleArray` per-row values (``y``), and each output is
summed over the batch, block by block, as matrix products accumulated without rounding error
across blocks (:mod:`symcheck.kernels._batch`). A :class:`Lifted` rewrite carries a scalar identity
proved by the engine (``σ(t) − y`` without cancellation) into such a sum by congruence.

The generated source never mentions a particular ``K``: one build serves every ``K``.

>>> import numpy as np, sympy as sp
>>> from symcheck.kernels import ClassArray, KernelSpec, Output, build_kernel
>>> K = sp.Symbol("K", integer=True, positive=True)
>>> i, j = sp.symbols("i j", integer=True, positive=True)
>>> z = sp.IndexedBase("z", real=True)
>>> spec = KernelSpec("mean", (ClassArray(z, "x"),), (Output("mean", sp.Sum(z[j], (j, 1, K)) / K),), bound=K)
>>> build_kernel(spec)(np.array([[1.0, 2.0, 6.0]]))[0]
array([3.])
"""

from symcheck.kernels._functions import Weighted
from symcheck.kernels._kernel import (
    TRANSPOSE_MAX_CLASSES,
    Kernel,
    VerifiedRewrite,
    build_kernel,
    clear_kernel_cache,
)
from symcheck.kernels._printer import ArrayPrinter, UnsupportedExpression, print_array
from symcheck.kernels._rewrite import Lifted, Rewrite, RewriteRefused, clear_verdict_cache, verify_rewrite
from symcheck.kernels._spec import (
    Argument,
    ClassArray,
    Elementwise,
    KernelSpec,
    Output,
    Parameter,
    Pivot,
    RowIndex,
    SampleArray,
    Samples,
    Shared,
)

__all__ = [
    "TRANSPOSE_MAX_CLASSES",
    "Argument",
    "ArrayPrinter",
    "ClassArray",
    "Elementwise",
    "Kernel",
    "KernelSpec",
    "Lifted",
    "Output",
    "Parameter",
    "Pivot",
    "Rewrite",
    "RewriteRefused",
    "RowIndex",
    "SampleArray",
    "Samples",
    "Shared",
    "UnsupportedExpression",
    "VerifiedRewrite",
    "Weighted",
    "build_kernel",
    "clear_kernel_cache",
    "clear_verdict_cache",
    "print_array",
    "verify_rewrite",
]
