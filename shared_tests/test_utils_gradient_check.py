"""utils.gradient_check and utils.numerical_grad called the book's ways (step 26 on).

The book's unit tests call them with an ndarray, pass f's other arguments through, and rely
on the check running in float64. Each numerical derivative here is computed by the test
itself, independently of the stage.
"""

import numpy as np
import pytest

from . import adapter as A

cap = pytest.mark.capability


def _utils():
    return A.module("utils")


def _central_difference(g, x, eps=1e-6):
    """d sum(g(x)) / dx by central differences, in numpy only."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = (np.sum(g(plus)) - np.sum(g(minus))) / (2 * eps)
    return grad


@cap("utils-gradient-check")
def test_numerical_grad_takes_an_ndarray_and_fs_arguments():
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    w = np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25]])
    got = _utils().numerical_grad(lambda v, m, scale=1.0: A.dz.Variable(
        scale * (v.data @ m) ** 2), x, w, scale=0.5)
    expected = _central_difference(lambda v: 0.5 * (v @ w) ** 2, x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@cap("utils-gradient-check")
def test_numerical_grad_takes_a_variable_and_an_f_that_returns_an_ndarray():
    x = np.array([0.3, -0.7, 1.1])
    got = _utils().numerical_grad(lambda v: np.sin(v.data) * v.data, A.var(x))
    expected = _central_difference(lambda v: np.sin(v) * v, x)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@cap("utils-gradient-check")
def test_gradient_check_takes_an_ndarray():
    rng = np.random.default_rng(1)
    assert _utils().gradient_check(lambda v: v * v + v, rng.normal(size=(3, 4)))


@cap("utils-gradient-check")
def test_gradient_check_passes_fs_other_arguments_through():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    seen = []

    def f(v, other, *, scale):
        seen.append((type(other), scale))
        return v * other * scale

    assert _utils().gradient_check(f, x, y, scale=3.0)
    assert seen and all(s == (np.ndarray, 3.0) for s in seen)
    # A wrong backward is still caught when f takes other arguments.
    assert not _utils().gradient_check(
        lambda v, other: A.call(_twice_wrong(), v) * other, x, y)


def _twice_wrong():
    """A Function class of the stage's whose backward is wrong (3 instead of 2)."""

    class TwiceWrong(A.dz.Function):
        def forward(self, x):
            return x * 2

        def backward(self, gy):
            return gy * 3

    return TwiceWrong


@cap("utils-gradient-check")
def test_gradient_check_works_in_float64_for_float32_and_integer_input():
    # The book casts x to float64 first: f sees float64 in both the backprop and the
    # numerical pass, whatever x's dtype.
    seen = []

    def f(v):
        seen.append(v.data.dtype)
        return v * v

    x32 = np.array([0.5, -1.25, 2.0], dtype=np.float32)
    assert _utils().gradient_check(f, x32)
    assert _utils().gradient_check(f, A.var(x32, dtype=np.float32))
    assert _utils().gradient_check(f, np.array([[1, 2, 3], [4, 5, 6]]))
    assert seen and set(seen) == {np.dtype(np.float64)}


@cap("utils-gradient-check")
def test_gradient_check_leaves_a_float32_input_as_it_was():
    values = np.array([0.5, -1.25], dtype=np.float32)
    x = A.var(values.copy(), dtype=np.float32)
    assert _utils().gradient_check(lambda v: v * v, x)
    assert x.data.dtype == np.float32
    np.testing.assert_array_equal(x.data, values)


@cap("utils-gradient-check")
def test_gradient_check_agrees_with_an_independent_numerical_derivative():
    # numerical_grad against the test's own central difference, and gradient_check says
    # True for the right backward of the same function.
    rng = np.random.default_rng(3)
    x, c = rng.normal(size=(4,)), rng.normal(size=(4,))
    f = lambda v, k: (v * v * v - v * k) * k  # noqa: E731
    expected = _central_difference(lambda v: (v ** 3 - v * c) * c, x)
    np.testing.assert_allclose(_utils().numerical_grad(f, x, c), expected,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(3 * x ** 2 * c - c * c, expected, rtol=1e-5, atol=1e-6)
    assert _utils().gradient_check(f, x, c)
