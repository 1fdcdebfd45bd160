"""The op table's machinery: what a row is, and the helpers rows are written with.

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

The table lives in three modules, one job each, imported one way (op_rows -> ops, op_refs):

    ops.py       this one: the row type `Op`, `Skip`, the sample shapes and domains, and the
                 rule that leaves a sample out of a check
    op_refs.py   the numpy references, pure numpy (they must not share code with DeZero)
    op_rows.py   the rows themselves, `OPS`: one entry per function

Known limitations are `Skip`s on a row, never code in the tests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from dezero_stages import capabilities

# Sample input shapes: a 0-d array, a vector and a matrix.
UNARY = (((),), ((3,),), ((2, 3),))
BINARY = (((), ()), ((3,), (3,)), ((2, 3), (2, 3)))


# Domains: a row's `domain` moves its raw samples (uniform in [-2, 2]) where the function is
# defined.

def positive(a):
    """Move samples into x > 0 (sqrt, log, fractional powers), away from 0."""
    return np.abs(a) + 0.5


def nonzero(a):
    """Move samples away from 0 (division), keeping their sign."""
    return np.where(a < 0, a - 0.5, a + 0.5)


def probability(a):
    """Samples moved into (0, 1), away from both ends."""
    return 1 / (1 + np.exp(-a))


def identity(a):
    return a


@dataclasses.dataclass(frozen=True)
class Skip:
    """A known limitation: `check` ("forward", "gradient", ... or "*") is skipped, with why.

    core: only on that core ("dezero" or "core_simple"); None: on every core.
    pin: only on the steps where that pin of the capability table applies (the limitation
    is still there); None: on every step.
    """

    check: str
    reason: str
    core: str | None = None
    pin: str | None = None

    def applies(self, check: str, core: str) -> bool:
        if self.check not in (check, "*") or self.core not in (None, core):
            return False
        if self.pin is None:
            return True
        from . import adapter as A  # the graded step is known once bound

        return capabilities.get(self.pin).applies_to(A.STEP)


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
            if skip.applies(check, core):
                return skip.reason
        return None


def sample_rule(check: str, shapes: tuple) -> str | None:
    """A rule of the table for every row: why a check leaves out a sample, or None.

    NumPy 1.x computes a 0-d float32 array with a Python number in float64 (value-based
    casting treats both as scalars); NumPy 2 keeps float32. So under NumPy 1.x a 0-d
    sample cannot show whether a function keeps float32: the dtype check uses the
    vectors and matrices only. Models never hold 0-d data but their loss, which the rows
    of the losses check with batches.
    """
    if check == "dtype" and NUMPY_1 and any(shape == () for shape in shapes):
        return "NumPy 1.x promotes a 0-d float32 array next to a Python number"
    return None


NUMPY_1 = int(np.__version__.split(".")[0]) < 2

ARRAY = np.array([1.5, -0.5, 2.0])


def array_like(x):
    """An ndarray operand for the other side of x: x's shape and dtype (a float64 array
    would rightly promote a float32 Variable, which is numpy's rule, not the stage's)."""
    return ARRAY[: x.size].reshape(x.shape).astype(x.dtype)
