"""The op table: one row per differentiable function or operator.

In the manner of PyTorch's OpInfo and tinygrad's `helper_test_op`, each function of the book
is one `Op` row; `test_ops.py` generates the same checks for every row:

    forward      the result against the row's numpy reference, float64 and float32
    gradient     backprop against central differences (gradcheck.py)
    second       double backprop against differences of the first gradient (step 32 on)
    dtype        float32 in: float32 out, and float32 gradients
    grad-shape   each gradient has its input's shape

A check runs on a stage once the row's capability *and* the check's own capability have
arrived (see CHECKS in test_ops.py); its test is marked with whichever of the two arrives
later, so the capability report counts it where it belongs.

A row is written as the book's programs write it: `call` takes `F` (the functions of the
core under test: `F.sin`, `F.square`) and the input Variables. Rows with `simple_core=True`
also run on `dezero.core_simple`, which the package keeps beside core.py from step 32.
Known limitations are `Skip`s on the row, never code in the tests.

Adding a function: add one row. Its sample inputs come from `shapes` (and `domain` moves
them where the function is defined, e.g. log needs x > 0).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

# Sample input shapes: a 0-d array, a vector and a matrix.
UNARY = (((),), ((3,),), ((2, 3),))
BINARY = (((), ()), ((3,), (3,)), ((2, 3), (2, 3)))


def positive(a):
    """Move samples into x > 0 (sqrt, log, fractional powers), away from 0."""
    return np.abs(a) + 0.5


def nonzero(a):
    """Move samples away from 0 (division), keeping their sign."""
    return np.where(a < 0, a - 0.5, a + 0.5)


def identity(a):
    return a


@dataclasses.dataclass(frozen=True)
class Skip:
    """A known limitation: `check` ("forward", "gradient", ... or "*") is skipped, with why.

    core: only on that core ("dezero" or "core_simple"); None: on every core.
    """

    check: str
    reason: str
    core: str | None = None


@dataclasses.dataclass(frozen=True)
class Op:
    name: str
    capability: str
    call: Callable  # (F, *Variables) -> Variable
    reference: Callable  # (*ndarrays) -> ndarray, in numpy
    shapes: tuple = UNARY
    domain: Callable = identity  # per input: makes a raw sample valid
    grad_from: str = "auto-backward"  # the capability from which its backward can run
    simple_core: bool = False  # also a function of core_simple (from step 32)
    skips: tuple[Skip, ...] = ()
    rtol: float = 1e-12  # forward tolerance in float64 (float32 uses 1e-5)

    @property
    def arity(self) -> int:
        return len(self.shapes[0])

    def skip_for(self, check: str, core: str) -> str | None:
        for skip in self.skips:
            if skip.check in (check, "*") and skip.core in (None, core):
                return skip.reason
        return None


ARRAY = np.array([1.5, -0.5, 2.0])


def array_like(x):
    """An ndarray operand for the other side of x: x's shape and dtype (a float64 array
    would rightly promote a float32 Variable, which is numpy's rule, not the stage's)."""
    return ARRAY[: x.size].reshape(x.shape).astype(x.dtype)


OPS: tuple[Op, ...] = (
    # Milestone 1: the first functions (class-called before step 9; the adapter knows how)
    Op("square", "function-call", lambda F, x: F.square(x), np.square, simple_core=True),
    Op("exp", "exp-chain", lambda F, x: F.exp(x), np.exp, simple_core=True),
    # Milestone 2: several inputs, then operators
    Op("add", "variadic-forward", lambda F, a, b: F.add(a, b), np.add, BINARY,
       grad_from="multi-input-backward", simple_core=True),
    Op("mul", "mul-operator", lambda F, a, b: F.mul(a, b), np.multiply, BINARY,
       simple_core=True),
    Op("a+b", "mul-operator", lambda F, a, b: a + b, np.add, BINARY, simple_core=True),
    Op("a*b", "mul-operator", lambda F, a, b: a * b, np.multiply, BINARY, simple_core=True),
    Op("x+2.0", "mixed-operands", lambda F, x: x + 2.0, lambda x: x + 2.0, simple_core=True),
    Op("2+x", "mixed-operands", lambda F, x: 2 + x, lambda x: 2 + x, simple_core=True),
    Op("x*2.5", "mixed-operands", lambda F, x: x * 2.5, lambda x: x * 2.5, simple_core=True),
    Op("3*x", "mixed-operands", lambda F, x: 3 * x, lambda x: 3 * x, simple_core=True),
    Op("x+array", "mixed-operands", lambda F, x: x + array_like(x),
       lambda x: x + array_like(x), shapes=(((),), ((3,),)), simple_core=True),
    Op("array*x", "mixed-operands", lambda F, x: array_like(x) * x,
       lambda x: array_like(x) * x, shapes=(((),), ((3,),)), simple_core=True),
    Op("-x", "more-operators", lambda F, x: -x, np.negative, simple_core=True),
    Op("a-b", "more-operators", lambda F, a, b: a - b, np.subtract, BINARY, simple_core=True),
    Op("a/b", "more-operators", lambda F, a, b: a / b, np.divide, BINARY,
       domain=nonzero, simple_core=True),
    Op("x-2", "more-operators", lambda F, x: x - 2, lambda x: x - 2, simple_core=True),
    Op("2.0-x", "more-operators", lambda F, x: 2.0 - x, lambda x: 2.0 - x, simple_core=True),
    Op("x/4", "more-operators", lambda F, x: x / 4, lambda x: x / 4, simple_core=True),
    Op("3.0/x", "more-operators", lambda F, x: 3.0 / x, lambda x: 3.0 / x, domain=nonzero,
       simple_core=True),
    Op("x**3", "more-operators", lambda F, x: x ** 3, lambda x: x ** 3, simple_core=True),
    Op("x**0.5", "more-operators", lambda F, x: x ** 0.5, np.sqrt, domain=positive,
       simple_core=True),
    Op("x**-2", "more-operators", lambda F, x: x ** -2, lambda x: x ** -2.0, domain=nonzero,
       simple_core=True),
    # Milestone 3: the functions whose derivatives can be taken again
    Op("sin", "sin", lambda F, x: F.sin(x), np.sin, simple_core=True),
    Op("cos", "sin-cos-functions", lambda F, x: F.cos(x), np.cos),
    Op("tanh", "tanh", lambda F, x: F.tanh(x), np.tanh),
)
