"""Binary cross-entropy: from the Bernoulli likelihood, against MSE, convexity, and its stable form.

Importable results (SymPy objects):

* :data:`bernoulli_likelihood` — L(θ) = Π_i p_i^{y_i} (1 − p_i)^{1 − y_i}
* :data:`mean_bce` — −(1/n) log L = (1/n) Σ_i BCE(y_i, p_i)
* :data:`gaussian_nll` — −log Π_i N(y_i; ŷ_i, s²), whose minimiser over ŷ minimises the MSE
* :data:`sigma_derivative` — σ′(z) = σ(z)(1 − σ(z))
* :data:`gradient_bce`, :data:`gradient_mse` — ∂BCE/∂z = σ(z) − y and ∂MSE/∂z = 2(σ(z) − y)σ(z)(1 − σ(z))
* :data:`curvature_bce`, :data:`curvature_mse` — the second derivatives in z
* :data:`softplus_form` — BCE(y, σ(z)) = log(1 + e^{−|z|}) + max(z, 0) − yz, the stable form

>>> import sympy as sp
>>> from derivations import bce
>>> from derivations.notation import sigmoid, y_scalar as y, z_scalar as z
>>> bce.gradient_bce == sigmoid(z) - y
True
"""

from __future__ import annotations

import sympy as sp

import symcheck
from derivations.notation import bce as bce_of
from derivations.notation import eq, sigmoid, y_scalar, z_scalar
from symcheck import Definition, Derivation, FiniteDifference, Reference, Step, assume

__all__ = [
    "bernoulli_likelihood",
    "curvature_bce",
    "curvature_mse",
    "gaussian_nll",
    "gradient_bce",
    "gradient_mse",
    "mean_bce",
    "sigma",
    "sigma_derivative",
    "softplus_form",
]

n = sp.Symbol("n", integer=True, positive=True)
"""The number of samples."""
m = sp.Symbol("m", integer=True, positive=True)
s = sp.Symbol("s", positive=True)
"""The noise scale of the Gaussian model."""
sample = sp.Symbol("i", integer=True, positive=True)
p_ = sp.IndexedBase("p")
"""Predicted probabilities p_i = P(y_i = 1 | x_i; θ), in (0, 1)."""
labels = sp.IndexedBase("y", real=True)
targets = sp.IndexedBase("yhat", real=True)
z, y = z_scalar, y_scalar

sigma = sp.Function("sigma")
"""σ as a name; its definition is :data:`sigma_definition`."""
sigma_definition = Definition(
    sigma, sp.Lambda(sp.Symbol("t", real=True), sigmoid(sp.Symbol("t", real=True))), "σ(t) = 1/(1 + e^{−t})"
)

bernoulli_likelihood = sp.Product(
    p_[sample] ** labels[sample] * (1 - p_[sample]) ** (1 - labels[sample]), (sample, 1, n)
)
"""L(θ) = Π_{i=1}^n p_i^{y_i} (1 − p_i)^{1 − y_i}: each label is a Bernoulli draw with mean p_i."""

mean_bce = sp.Sum(bce_of(labels[sample], p_[sample]), (sample, 1, n)) / n
"""(1/n) Σ_i −[y_i log p_i + (1 − y_i) log(1 − p_i)]."""

_gaussian = sp.exp(-((labels[sample] - targets[sample]) ** 2) / (2 * s**2)) / sp.sqrt(2 * sp.pi * s**2)
gaussian_nll = -sp.log(sp.Product(_gaussian, (sample, 1, n)))
"""−log Π_i N(y_i; ŷ_i, s²)."""

sigma_derivative = sigmoid(z) * (1 - sigmoid(z))
gradient_bce = sigmoid(z) - y
gradient_mse = 2 * (sigmoid(z) - y) * sigmoid(z) * (1 - sigmoid(z))
curvature_bce = sigmoid(z) * (1 - sigmoid(z))
curvature_mse = (
    2 * sigmoid(z) * (1 - sigmoid(z)) * (sigmoid(z) * (1 - sigmoid(z)) + (sigmoid(z) - y) * (1 - 2 * sigmoid(z)))
)

_probabilities = assume(unit_interval=[p_], real=[labels, targets], indices={sample: (1, n)})
_logit = assume(real=[z], unit_interval=[y])


@symcheck.derivation("bce.likelihood", topic="bce")
def likelihood() -> Derivation:
    """Maximising the Bernoulli likelihood is minimising the mean binary cross-entropy"""
    steps = (
        Step(
            -sp.log(bernoulli_likelihood) / n,
            "Each label y_i ∈ {0, 1} is a Bernoulli draw with P(y_i = 1) = p_i, so its probability is "
            "p_i^{y_i}(1 − p_i)^{1 − y_i}; the samples are independent, so the likelihood is the product. "
            "Take −(1/n) log of it: log is increasing, so maximising L is minimising this.",
            rule="negative log-likelihood",
            given=True,
        ),
        Step(
            -sp.Sum(sp.log(p_[sample] ** labels[sample] * (1 - p_[sample]) ** (1 - labels[sample])), (sample, 1, n))
            / n,
            "The log of a product of positive factors is the sum of their logs.",
            rule="log of a product",
        ),
        Step(
            -sp.Sum(labels[sample] * sp.log(p_[sample]) + (1 - labels[sample]) * sp.log(1 - p_[sample]), (sample, 1, n))
            / n,
            "log a^b = b log a for a > 0 (p_i and 1 − p_i are in (0, 1)).",
            rule="log of a power",
        ),
        Step(mean_bce, "Each term is the binary cross-entropy of one sample: the mean BCE.", rule="definition"),
    )
    return Derivation(
        name="bce.likelihood",
        title="Maximising the Bernoulli likelihood is minimising the mean binary cross-entropy",
        steps=steps,
        result=eq(-sp.log(bernoulli_likelihood) / n, mean_bce),
        assumptions=_probabilities,
        summary="Binary labels are Bernoulli, not Gaussian: their negative log-likelihood is the BCE.",
        topic="bce",
    )


@symcheck.derivation("bce.mse_is_gaussian", topic="bce")
def mse_gaussian() -> Derivation:
    """MSE is the negative log-likelihood of Gaussian noise, which binary labels are not"""
    squared = sp.Sum((labels[sample] - targets[sample]) ** 2, (sample, 1, n))
    steps = (
        Step(
            gaussian_nll,
            "Model y_i = ŷ_i + ε_i with Gaussian noise ε_i ~ N(0, s²), independent.",
            rule="negative log-likelihood",
            given=True,
        ),
        Step(
            -sp.Sum(sp.log(_gaussian), (sample, 1, n)),
            "The log of a product of positive densities is a sum.",
            rule="log of a product",
        ),
        Step(
            n * sp.log(2 * sp.pi * s**2) / 2 + squared / (2 * s**2),
            "log of each density: −½ log(2πs²) − (y_i − ŷ_i)²/(2s²).",
            rule="log of a density",
        ),
        Step(
            eq(
                sp.Derivative(n * sp.log(2 * sp.pi * s**2) / 2 + squared / (2 * s**2), targets[sample]),
                sp.Derivative(n / (2 * s**2) * (squared / n), targets[sample]),
            ),
            "The first term does not depend on ŷ and the second is n/(2s²) times the MSE: the same "
            "minimiser. So MSE assumes Gaussian errors; binary labels take only the values 0 and 1.",
            rule="same minimiser",
        ),
    )
    return Derivation(
        name="bce.mse_is_gaussian",
        title="MSE is the negative log-likelihood of Gaussian noise, which binary labels are not",
        steps=steps,
        result=eq(gaussian_nll, n * sp.log(2 * sp.pi * s**2) / 2 + squared / (2 * s**2)),
        assumptions=_probabilities,
        topic="bce",
    )


def _bce_reference(y: object, z: object, **_: object) -> object:
    import numpy as np

    probability = 1.0 / (1.0 + np.exp(-np.asarray(z)))
    return -(np.asarray(y) * np.log(probability) + (1 - np.asarray(y)) * np.log1p(-probability))


@symcheck.derivation("bce.sigmoid_gradients", topic="bce")
def sigmoid_gradients() -> Derivation:
    """For a sigmoid output, ∂BCE/∂z = σ(z) − y while ∂MSE/∂z carries a vanishing σ(1 − σ)"""
    bce_sigma = bce_of(y, sigma(z))
    mse_sigma = (sigma(z) - y) ** 2
    saturated = {z: 10, y: 0}
    steps = (
        Step(
            eq(sp.Derivative(sigma(z), z), sigma(z) * (1 - sigma(z))),
            "σ(z) = 1/(1 + e^{−z}) gives σ′ = e^{−z}/(1 + e^{−z})² = σ(1 − σ).",
            rule="derivative of σ",
        ),
        Step(
            eq(sp.Derivative(bce_sigma, z), -(y / sigma(z) - (1 - y) / (1 - sigma(z))) * sigma(z) * (1 - sigma(z))),
            "Chain rule: ∂BCE/∂p = −(y/p − (1 − y)/(1 − p)), times ∂p/∂z = σ(1 − σ).",
            rule="chain rule",
        ),
        Step(sigma(z) - y, "σ(1 − σ) cancels both denominators: −y(1 − σ) + (1 − y)σ = σ − y.", rule="algebra"),
        Step(
            eq(sp.Derivative(mse_sigma, z), 2 * (sigma(z) - y) * sigma(z) * (1 - sigma(z))),
            "For MSE the chain rule leaves the factor σ(1 − σ) in place: nothing cancels it.",
            rule="chain rule",
        ),
        Step(
            sp.Le(sigma(z) * (1 - sigma(z)), sp.Rational(1, 4), evaluate=False),
            "σ(1 − σ) ≤ 1/4, with equality only at z = 0 ((σ − ½)² ≥ 0), and it tends to 0 as |z| grows.",
            rule="bound",
        ),
        Step(
            sp.Lt(sp.Abs(gradient_mse.subs(saturated)), sp.Rational(1, 1000), evaluate=False),
            "A confidently wrong prediction (z = 10, so σ ≈ 0.99995, with y = 0): the MSE gradient is below "
            "0.001, so gradient descent barely moves — the vanishing gradient problem.",
            rule="evaluation",
        ),
        Step(
            sp.Gt(gradient_bce.subs(saturated), sp.Rational(99, 100), evaluate=False),
            "At the same point the BCE gradient σ − y is almost 1: the worse the mistake, the larger the step.",
            rule="evaluation",
        ),
    )
    return Derivation(
        name="bce.sigmoid_gradients",
        title="For a sigmoid output, ∂BCE/∂z = σ(z) − y while ∂MSE/∂z carries a vanishing σ(1 − σ)",
        steps=steps,
        result=eq(sp.Derivative(bce_sigma, z), sigma(z) - y),
        assumptions=_logit,
        definitions=(sigma_definition,),
        checks=(
            FiniteDifference(
                bce_of(y, sigmoid(z)),
                gradient_bce,
                z,
                large_scale=15.0,
                description="∂BCE/∂z against central differences, |z| up to 15",
            ),
            FiniteDifference(
                (sigmoid(z) - y) ** 2,
                gradient_mse,
                z,
                large_scale=15.0,
                description="∂MSE/∂z against central differences, |z| up to 15",
            ),
            Reference(bce_of(y, sigmoid(z)), _bce_reference, description="BCE against a NumPy reference"),
        ),
        summary="BCE's gradient is the error itself; MSE's is the error times σ(1 − σ), which vanishes "
        "exactly when the classifier is confidently wrong.",
        topic="bce",
    )


@symcheck.derivation("bce.convexity", topic="bce")
def convexity() -> Derivation:
    """BCE is convex in the logit (and in linear weights); MSE after a sigmoid is not"""
    w, x, b = sp.symbols("w x b", real=True)
    point = {z: 3, y: 0}
    steps = (
        Step(
            eq(sp.Derivative(bce_of(y, sigmoid(z)), z, 2), curvature_bce),
            "Differentiate σ(z) − y once more: the second derivative is σ′ = σ(1 − σ).",
            rule="second derivative",
        ),
        Step(
            sp.Gt(curvature_bce, 0, evaluate=False),
            "0 < σ < 1, so σ(1 − σ) > 0: BCE is (strictly) convex in z.",
            rule="bounds",
        ),
        Step(
            eq(sp.Derivative(bce_of(y, sigmoid(w * x + b)), w, 2), x**2 * curvature_bce.subs(z, w * x + b)),
            "For a linear model z = wx + b, the chain rule gives x²σ(1 − σ) ≥ 0: convex in the weight too "
            "(in several dimensions the Hessian σ(1 − σ)xxᵀ is positive semidefinite).",
            rule="chain rule",
        ),
        Step(
            eq(sp.Derivative((sigmoid(z) - y) ** 2, z, 2), curvature_mse),
            "For the MSE, differentiate 2(σ − y)σ(1 − σ) once more (product rule, σ′ = σ(1 − σ)): "
            "2σ(1 − σ)[σ(1 − σ) + (σ − y)(1 − 2σ)], whose second term can be negative.",
            rule="second derivative",
        ),
        Step(
            sp.Lt(curvature_mse.subs(point), 0, evaluate=False),
            "The second derivative of the MSE after a sigmoid, at z = 3 with y = 0, is negative: MSE∘σ is "
            "not convex, so gradient descent can stall on its plateaus.",
            rule="counterexample to convexity",
        ),
    )
    return Derivation(
        name="bce.convexity",
        title="BCE is convex in the logit (and in linear weights); MSE after a sigmoid is not",
        steps=steps,
        result=sp.Gt(curvature_bce, 0, evaluate=False),
        assumptions=assume(real=[z, w, x, b], unit_interval=[y]),
        checks=(
            FiniteDifference(
                gradient_bce,
                curvature_bce,
                z,
                large_scale=15.0,
                description="d²BCE/dz² against differences of the gradient",
            ),
            FiniteDifference(
                gradient_mse,
                curvature_mse,
                z,
                large_scale=15.0,
                description="d²MSE/dz² against differences of the gradient",
            ),
        ),
        topic="bce",
    )


softplus_form = sp.log(1 + sp.exp(-sp.Abs(z))) + sp.Max(z, 0) - y * z
"""BCE(y, σ(z)) = log(1 + e^{−|z|}) + max(z, 0) − y z: no exponential of a large number, no log of 0."""


def _bce_logits_reference(y: object, z: object, **_: object) -> object:
    """The same loss computed by NumPy's logaddexp, independently of SymPy: log(1 + e^{−z}) + (1 − y) z."""
    import numpy as np

    z = np.asarray(z)
    return np.logaddexp(0.0, -z) + (1 - np.asarray(y)) * z


@symcheck.derivation("bce.with_logits", topic="bce")
def with_logits() -> Derivation:
    """BCE with logits: log(1 + e^{−|z|}) + max(z, 0) − yz, stable for every z"""
    softplus = sp.log(1 + sp.exp(-z))
    steps = (
        Step(bce_of(y, sigmoid(z)), "The binary cross-entropy of the prediction σ(z).", rule="premise", given=True),
        Step(
            y * softplus - (1 - y) * sp.log(sp.exp(-z) / (1 + sp.exp(-z))),
            "log σ(z) = −log(1 + e^{−z}), and 1 − σ(z) = e^{−z}/(1 + e^{−z}).",
            rule="definition of σ",
        ),
        Step(
            softplus + (1 - y) * z,
            "log(e^{−z}/(1 + e^{−z})) = −z − log(1 + e^{−z}); collect the two logs.",
            rule="log of a quotient",
            label="softplus",
        ),
        Step(
            eq(softplus, -z + sp.log(1 + sp.exp(z)), evaluate=False),
            "For z < 0, e^{−z} overflows (z = −710 gives e^{710} = inf in float64); multiply inside by e^{z}: "
            "log(1 + e^{−z}) = −z + log(1 + e^{z}), where e^{z} < 1.",
            rule="factor out e^{−z}",
        ),
        Step(
            softplus_form,
            "Both cases at once: log(1 + e^{−|z|}) + max(z, 0) − yz. Its exponential is at most 1, so nothing "
            "overflows, and computed as log1p(exp(−|z|)) tiny losses keep their relative accuracy.",
            rule="case split on the sign of z",
            against="softplus",
        ),
        Step(
            eq(sp.Derivative(softplus_form, z), sigmoid(z) - y, evaluate=False),
            "Its derivative is still σ(z) − y (away from z = 0, where both one-sided forms agree).",
            rule="derivative",
        ),
    )
    return Derivation(
        name="bce.with_logits",
        title="BCE with logits: log(1 + e^{−|z|}) + max(z, 0) − yz, stable for every z",
        steps=steps,
        result=eq(bce_of(y, sigmoid(z)), softplus_form, evaluate=False),
        assumptions=assume(real=[z], unit_interval=[y]),
        checks=(
            Reference(softplus_form, _bce_logits_reference, description="against NumPy's logaddexp form"),
            FiniteDifference(
                softplus_form,
                sigmoid(z) - y,
                z,
                large_scale=40.0,
                description="∂/∂z of the stable form against central differences, |z| up to 40",
            ),
        ),
        summary="Computing BCE from the logit instead of from σ(z) avoids log(0) and overflow; this is the "
        "form deep-learning libraries call BCEWithLogits.",
        topic="bce",
    )
