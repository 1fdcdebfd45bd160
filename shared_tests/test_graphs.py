"""Steps 11-16: several inputs, reused variables, and the order of backpropagation."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from . import adapter as A
from .gradcheck import gradcheck

cap = pytest.mark.capability
floats = st.floats(-5, 5, allow_nan=False)


@cap("variadic-forward")
def test_add_two_and_three():
    y = A.add(A.var(2.0), A.var(3.0))
    assert y.data == 5.0


@cap("variadic-forward")
def test_function_keeps_all_inputs_and_outputs():
    x0, x1 = A.var(2.0), A.var(3.0)
    y = A.add(x0, x1)
    assert A.inputs_of(y.creator) == [x0, x1]
    assert A.outputs_of(y.creator) == [y]


@cap("variadic-unpacked")
def test_add_is_called_with_unpacked_arguments_and_returns_one_variable():
    y = A.fn("add")(A.var(2.0), A.var(3.0))
    assert isinstance(y, A.dz.Variable)
    assert y.data == 5.0


@cap("variadic-unpacked")
def test_several_outputs_come_back_as_a_sequence():
    class Split(A.dz.Function):
        def forward(self, x):
            return x, -x

    outputs = Split()(A.var(3.0))
    assert [o.data for o in outputs] == [3.0, -3.0]


@cap("multi-input-backward")
def test_sum_of_squares_at_two_three():
    x, y = A.var(2.0), A.var(3.0)
    z = A.add(A.square(x), A.square(y))
    A.backward(z)
    assert z.data == 13.0
    assert A.grad(x) == 4.0  # dz/dx = 2x
    assert A.grad(y) == 6.0  # dz/dy = 2y


@cap("multi-input-backward")
@given(st.lists(floats, min_size=1, max_size=4))
def test_sum_of_squares_passes_a_gradient_check(values):
    arr = np.array(values)
    gradcheck(lambda a, b: A.add(A.square(a), A.exp(b)), arr, arr[::-1] / 5)


@cap("grad-overwritten")
def test_add_x_x_gives_one():
    x = A.var(3.0)
    A.backward(A.add(x, x))
    assert A.grad(x) == 1.0  # should be 2: the second gradient replaced the first


@cap("grad-accumulation")
def test_add_x_x_gives_two():
    x = A.var(3.0)
    y = A.add(x, x)
    A.backward(y)
    assert y.data == 6.0
    assert A.grad(x) == 2.0


@cap("grad-accumulation")
def test_add_add_x_x_x_gives_three():
    x = A.var(3.0)
    A.backward(A.add(A.add(x, x), x))
    assert A.grad(x) == 3.0


@cap("grad-accumulation")
def test_accumulation_does_not_alias_the_output_gradient():
    # y = x + x: x.grad must be a new array, not y.grad updated in place.
    x = A.var([1.0, 2.0])
    y = A.add(x, x)
    A.backward(y, retain_grad=True) if A.has("retain-grad") else A.backward(y)
    assert A.grad(x) == pytest.approx([2.0, 2.0])
    assert A.grad(y) == pytest.approx([1.0, 1.0])


@cap("cleargrad")
def test_cleargrad_starts_a_new_computation():
    x = A.var(3.0)
    A.backward(A.add(x, x))
    assert A.grad(x) == 2.0
    x.cleargrad()
    assert x.grad is None
    A.backward(A.add(A.add(x, x), x))
    assert A.grad(x) == 3.0


@cap("cleargrad")
def test_without_cleargrad_gradients_keep_adding():
    x = A.var(3.0)
    A.backward(A.add(x, x))
    A.backward(A.add(A.add(x, x), x))
    assert A.grad(x) == 5.0


def _branching():
    """The book's step-16 graph: a = x^2 feeds two squares whose sum is y."""
    x = A.var(2.0)
    a = A.square(x)
    y = A.add(A.square(a), A.square(a))
    A.backward(y)
    return x, y


@cap("backward-out-of-order")
def test_branching_graph_gives_96():
    x, y = _branching()
    assert y.data == 32.0
    assert A.grad(x) == 96.0  # square's backward ran before a's gradient was complete


@cap("generation-order")
def test_branching_graph_gives_64():
    x, y = _branching()
    # y = 2 x^4, dy/dx = 8 x^3 = 64 at x = 2.
    assert y.data == 32.0
    assert A.grad(x) == 64.0


@cap("generation-order")
def test_generations_count_from_the_input():
    x = A.var(2.0)
    a = A.square(x)
    b = A.square(a)
    y = A.add(b, a)
    assert (x.generation, a.generation, b.generation, y.generation) == (0, 1, 2, 3)
    assert y.creator.generation == 2  # the latest of its inputs


@cap("generation-order")
def test_each_function_runs_backward_once():
    calls = []

    class CountingSquare(A.dz.Function):  # on the code's own Function (any step has one)
        def forward(self, x):
            return x ** 2

        def backward(self, gy):
            calls.append(self)
            x = A.inputs_of(self)[0]
            return 2 * (x if A.has("higher-order") else x.data) * gy

    x = A.var(1.5)
    a = A.call(CountingSquare, x)
    y = A.add(A.add(A.exp(a), A.square(a)), a)
    A.backward(y)
    assert len(calls) == 1
    # y = e^(x^2) + x^4 + x^2
    expected = 2 * 1.5 * math.exp(1.5**2) + 4 * 1.5**3 + 2 * 1.5
    assert A.grad(x) == pytest.approx(expected, rel=1e-13)


@cap("generation-order")
@given(st.floats(-1.5, 1.5, allow_nan=False))
def test_a_diamond_passes_a_gradient_check(value):
    def f(x):
        a = A.square(x)
        b = A.exp(a)
        return A.add(A.add(b, A.square(b)), A.add(a, x))

    gradcheck(f, [value, value / 2])
