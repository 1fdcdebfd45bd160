"""Dtypes survive the operators: float32 data stays float32 next to Python numbers.

numpy keeps `float32_array * 2` float32 (a Python number adapts to the array). A stage that
first turns the 2 into np.array(2), an int64 array, gets float64 under NumPy 2's promotion
rules, and so would every gradient computed with Variables from step 32 on.
"""

import numpy as np
import pytest

from . import adapter as A
from .dtype_check import expect_dtype

cap = pytest.mark.capability


def _f32(values):
    return A.dz.Variable(np.array(values, dtype=np.float32))


@cap("mixed-operands")
def test_an_int_variable_still_becomes_float_with_a_float():
    x = A.dz.Variable(np.array([1, 2]))
    y = x + 2.5
    assert y.data.dtype == np.float64
    assert y.data.tolist() == [3.5, 4.5]


@cap("mixed-operands")
def test_float32_gradients_stay_float32():
    x = _f32([1.0, 2.0])
    y = 3 * x * x + 1
    y.backward()
    expect_dtype(A.grad(x), np.float32, "x.grad")
    np.testing.assert_allclose(A.grad(x), [6.0, 12.0])  # d(3x^2 + 1)/dx = 6x


