"""Independent gradient checkers, in the spirit of torch.autograd.gradcheck/gradgradcheck.

It never uses the stage's own numerical_diff or gradient_check: the numerical gradient is
computed here, in float64 numpy, by central differences on every element of every input.
The function is checked through a random projection L = sum(w * f(x)), so every element of
the output contributes; the stage's backprop gets seeded with w.

gradgradcheck (step 32 on) does the same one order up: the gradient of the backprop first
gradient, by double backprop (create_graph=True), against central differences of that first
gradient.
"""

from __future__ import annotations

import numpy as np

from . import adapter as A


class GradcheckError(AssertionError):
    pass


def central_differences(objective, arrays, eps):
    """d objective / d arrays, by central differences, one element of one input at a time."""
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


def numerical_grads(fn, arrays, weights, eps=1e-6, core=None):
    """d sum(w * fn(*arrays)) / d arrays, by central differences."""
    core = core or A.MAIN

    def objective(values):
        out = fn(*[core.var(v) for v in values])
        return float(np.sum(weights * A.data(out)))

    return central_differences(objective, arrays, eps)


def compare(analytical, numerical, *, what, how, eps, atol, rtol, error=AssertionError):
    """Raise `error` naming the input and element with the worst mismatch, if any."""
    for i, (a, n) in enumerate(zip(analytical, numerical, strict=True)):
        if a is None:
            raise error(f"input {i}: backprop left its gradient as None")
        a = np.broadcast_to(a, n.shape)
        bad = ~np.isclose(a, n, atol=atol, rtol=rtol)
        if bad.any():
            worst = np.unravel_index(np.argmax(np.abs(a - n) * bad), n.shape)
            raise error(
                f"{what} mismatch for input {i} (shape {n.shape}) at index {worst}:\n"
                f"  analytical ({how[0]}): {a[worst]!r}\n"
                f"  numerical ({how[1]}, eps={eps}): {n[worst]!r}\n"
                f"  {int(bad.sum())} of {n.size} elements outside atol={atol}, rtol={rtol}"
            )


def backprop_grads(fn, arrays, weights, core=None):
    core = core or A.MAIN
    xs = [core.var(a) for a in arrays]
    y = fn(*xs)
    core.seed(y, weights)
    y.backward()
    return [A.grad(x) for x in xs]


def gradcheck(fn, *values, atol=1e-6, rtol=1e-4, eps=1e-6, seed=0, core=None):
    """Compare backprop with numerical gradients for every input; raise with a full report.

    The report names the input, the element with the worst mismatch, both values and the
    tolerances, like torch.autograd.gradcheck's "Jacobian mismatch" message. `core` is the
    adapter's Core to build Variables with (default: the dezero under test).
    """
    core = core or A.MAIN
    arrays = [A.array(v) for v in values]
    out = fn(*[core.var(a) for a in arrays])
    weights = np.random.default_rng(seed).uniform(0.5, 1.5, size=np.shape(A.data(out)))
    analytical = backprop_grads(fn, arrays, weights, core)
    numerical = numerical_grads(fn, arrays, weights, eps=eps, core=core)
    compare(analytical, numerical, what="gradient",
            how=("backprop", "central differences"), eps=eps, atol=atol, rtol=rtol,
            error=GradcheckError)
    return True


class GradgradcheckError(AssertionError):
    pass


def _backprop_second(fn, arrays, weights, directions):
    """d/dx_j sum_i <v_i, g_i(x)>, where g_i = d<w, fn(x)>/dx_i, by double backprop.

    The first backward runs with create_graph=True so each g_i is a Variable with a graph;
    backpropagating g_i seeded with v_i then adds H v into the inputs' gradients (they
    accumulate over the i, as gradients of a variable used twice do).
    """
    xs = [A.var(a) for a in arrays]
    y = fn(*xs)
    A.seed(y, weights)
    y.backward(create_graph=True)
    firsts = [x.grad for x in xs]
    for x in xs:
        A.cleargrad(x)
    for g, v in zip(firsts, directions, strict=True):
        if g is None:
            raise GradgradcheckError("backprop left a first gradient as None")
        if not A.is_variable(g):
            raise GradgradcheckError(
                f"the first gradient is a {type(g).__name__}, not a Variable: "
                "no graph to differentiate again")
        A.seed(g, np.broadcast_to(v, g.shape))
        g.backward()
    # An input whose first gradient does not depend on it gets no second gradient: zero.
    return [np.zeros_like(a) if x.grad is None else A.grad(x)
            for x, a in zip(xs, arrays, strict=True)]


def gradgradcheck(fn, *values, atol=1e-5, rtol=1e-4, eps=1e-6, seed=0):
    """Check second derivatives: double backprop against differences of the first gradient.

    With random weights w (on the output) and v_i (on each input's gradient), the analytical
    side is the gradient of sum_i <v_i, g_i(x)> by backprop through the gradients themselves;
    the numerical side is that same scalar, computed from the backprop first gradient (no
    create_graph), differentiated by central differences on every element of every input.
    """
    arrays = [A.array(v) for v in values]
    out = fn(*[A.var(a) for a in arrays])
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.5, 1.5, size=np.shape(A.data(out)))
    directions = [rng.uniform(0.5, 1.5, size=a.shape) for a in arrays]

    def first_grad_objective(values):
        grads = backprop_grads(fn, values, weights)
        return float(sum(np.sum(v * (0.0 if g is None else g))
                         for v, g in zip(directions, grads, strict=True)))

    analytical = _backprop_second(fn, arrays, weights, directions)
    numerical = central_differences(first_grad_objective, arrays, eps)
    compare(analytical, numerical, what="second-derivative",
            how=("double backprop", "central differences of the first gradient"),
            eps=eps, atol=atol, rtol=rtol, error=GradgradcheckError)
    return True
