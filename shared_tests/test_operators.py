"""Steps 20-22: arithmetic operators on Variables, and what came before them."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from . import adapter as A
from .gradcheck import gradcheck

cap = pytest.mark.capability
floats = st.floats(-10, 10, allow_nan=False)
nonzero = floats.filter(lambda v: abs(v) > 0.1)


@cap("no-operators")
def test_variables_have_no_arithmetic():
    a, b = A.var(3.0), A.var(2.0)
    with pytest.raises(TypeError):
        a * b
    with pytest.raises(TypeError):
        a + b


@cap("mul-operator")
def test_a_times_b_plus_c():
    a, b, c = A.var(3.0), A.var(2.0), A.var(1.0)
    y = a * b + c
    A.backward(y)
    assert y.data == 7.0
    assert A.grad(a) == 2.0  # dy/da = b
    assert A.grad(b) == 3.0  # dy/db = a
    assert A.grad(c) == 1.0


@cap("mul-operator")
def test_mul_function_and_class():
    y = A.fn("mul")(A.var(3.0), A.var(4.0))
    assert y.data == 12.0
    assert isinstance(y.creator, A.fn("Mul"))


@cap("no-float-operands")
@pytest.mark.parametrize("other", [2.0, 2, np.array(2.0)])
def test_mixed_operands_are_rejected(other):
    x = A.var(3.0)
    with pytest.raises((TypeError, AttributeError)):
        x * other
    with pytest.raises((TypeError, AttributeError)):
        x + other


@cap("mixed-operands")
def test_operands_on_either_side():
    x = A.var(2.0)
    for y, expected in [(x + 3, 5.0), (3 + x, 5.0), (x * 3.0, 6.0), (3.0 * x, 6.0),
                        (x + np.array(3.0), 5.0), (x * np.array(3.0), 6.0)]:
        assert isinstance(y, A.dz.Variable)
        assert y.data == expected


@cap("mixed-operands")
def test_ndarray_on_the_left_gives_a_variable():
    x = A.var([1.0])
    y = np.array([2.0]) + x
    assert isinstance(y, A.dz.Variable)
    assert y.data == pytest.approx([3.0])
    z = np.array([2.0]) * x
    assert isinstance(z, A.dz.Variable)


@cap("mixed-operands")
def test_as_variable_wraps_arrays_and_passes_variables_through():
    x = A.var(1.0)
    assert A.fn("as_variable")(x) is x
    v = A.fn("as_variable")(np.array(2.0))
    assert isinstance(v, A.dz.Variable) and v.data == 2.0


@cap("mixed-operands")
def test_gradient_through_a_constant():
    x = A.var(2.0)
    y = 3.0 * x + 1
    A.backward(y)
    assert A.grad(x) == 3.0


@cap("no-negation")
def test_no_minus_divide_or_power():
    x = A.var(2.0)
    for op in (lambda: -x, lambda: x - x, lambda: x / x, lambda: x ** 3):
        with pytest.raises(TypeError):
            op()


@cap("more-operators")
def test_the_books_values_at_two():
    x = A.var(2.0)
    assert (-x).data == -2.0
    assert (2.0 - x).data == 0.0
    assert (x - 1.0).data == 1.0
    assert (3.0 / x).data == 1.5
    assert (x ** 3).data == 8.0


@cap("more-operators")
@pytest.mark.parametrize("build, expected", [
    (lambda x: -x, -1.0),
    (lambda x: 2.0 - x, -1.0),
    (lambda x: x - 1.0, 1.0),
    (lambda x: 3.0 / x, -3.0 / 4.0),  # -3/x^2
    (lambda x: x / 4.0, 0.25),
    (lambda x: x ** 3, 12.0),  # 3x^2
])
def test_the_books_gradients_at_two(build, expected):
    x = A.var(2.0)
    A.backward(build(x))
    assert A.grad(x) == pytest.approx(expected, rel=1e-15)


@cap("more-operators")
@given(st.lists(st.floats(0.2, 5) | st.floats(-5, -0.2), min_size=1, max_size=4))
def test_all_operators_pass_a_gradient_check(values):
    arr = np.array(values)
    gradcheck(lambda a, b: (-a + 2.0) * b / (b ** 2 + 1.0) - 3.0 / b - (1 - a),
              arr, arr[::-1])
