"""An independent gradient checker, in the spirit of torch.autograd.gradcheck.

It never uses the stage's own numerical_diff or gradient_check: the numerical gradient is
computed here, in float64 numpy, by central differences on every element of every input.
The function is checked through a random projection L = sum(w * f(x)), so every element of
the output contributes; the stage's backprop gets seeded with w.
"""

from __future__ import annotations

import numpy as np

from shared_tests import adapter as A


class GradcheckError(AssertionError):
    pass


def numerical_grads(fn, arrays, weights, eps=1e-6):
    """d sum(w * fn(*arrays)) / d arrays, by central differences, one element at a time."""
    def objective(values):
        out = fn(*[A.var(v) for v in values])
        return float(np.sum(weights * A.data(out)))

    grads = []
    for i, base in enumerate(arrays):
        g = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            g[idx] = (objective(plus) - objective(minus)) / (2 * eps)
        grads.append(g)
    return grads


def backprop_grads(fn, arrays, weights):
    xs = [A.var(a) for a in arrays]
    y = fn(*xs)
    A.seed(y, weights)
    y.backward()
    return [A.grad(x) for x in xs]


def gradcheck(fn, *values, atol=1e-6, rtol=1e-4, eps=1e-6, seed=0):
    """Compare backprop with numerical gradients for every input; raise with a full report.

    The report names the input, the element with the worst mismatch, both values and the
    tolerances, like torch.autograd.gradcheck's "Jacobian mismatch" message.
    """
    arrays = [A.array(v) for v in values]
    out = fn(*[A.var(a) for a in arrays])
    weights = np.random.default_rng(seed).uniform(0.5, 1.5, size=np.shape(A.data(out)))
    analytical = backprop_grads(fn, arrays, weights)
    numerical = numerical_grads(fn, arrays, weights, eps=eps)
    for i, (a, n) in enumerate(zip(analytical, numerical, strict=True)):
        if a is None:
            raise GradcheckError(f"input {i}: backprop left its gradient as None")
        a = np.broadcast_to(a, n.shape)
        bad = ~np.isclose(a, n, atol=atol, rtol=rtol)
        if bad.any():
            worst = np.unravel_index(np.argmax(np.abs(a - n) * bad), n.shape)
            raise GradcheckError(
                f"gradient mismatch for input {i} (shape {n.shape}) at index {worst}:\n"
                f"  analytical (backprop): {a[worst]!r}\n"
                f"  numerical (central differences, eps={eps}): {n[worst]!r}\n"
                f"  {int(bad.sum())} of {n.size} elements outside atol={atol}, rtol={rtol}"
            )
    return True
