"""Steps 27-36: sin, optimisation and Newton's method, then higher-order derivatives.

Before step 32 gradients are plain numpy values (pinned); from step 32 they are Variables and
`backward(create_graph=True)` records the backward pass as a graph of its own, so gradients can
be differentiated again. Every number is checked against a closed form derived in the comments
or against the book's printout (and the printout against an independent computation), and
second derivatives against central differences of the first (gradcheck.gradgradcheck).
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.polynomial import Polynomial

from . import adapter as A
from .gradcheck import gradgradcheck

cap = pytest.mark.capability
floats = st.floats(-10, 10, allow_nan=False)

# Newton's method on f(x) = x^4 - 2x^2 from x = 2: the book's printout (steps 29 and 33).
BOOK_NEWTON = [2.0, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978,
               1.0009084519430513, 1.0000012353089454, 1.000000000002289, 1.0]


def quartic(x):
    """f(x) = x^4 - 2x^2: f' = 4x^3 - 4x, f'' = 12x^2 - 4, f''' = 24x, f'''' = 24."""
    return x ** 4 - 2 * x ** 2


def is_plain_numpy(value) -> bool:
    return isinstance(value, (np.ndarray, np.generic)) and not A.is_variable(value)


def nth_derivatives(f, points, n):
    """[f, f', ..., f^(n)] at points, each by differentiating the previous gradient again."""
    x = A.var(points)
    y = f(x)
    found = [A.data(y).copy()]
    y.backward(create_graph=True)
    for i in range(n):
        gx = x.grad
        found.append(A.data(gx).copy())
        if i + 1 < n:
            x.cleargrad()
            gx.backward(create_graph=True)
    return found


# ---- step 27: sin, and sin as a Taylor series -------------------------------------------------

def my_sin(x, threshold=0.0001):
    """The book's step-27 my_sin: the Taylor series of sin, built from the stage's operators."""
    y = 0
    for i in range(100000):
        c = (-1) ** i / math.factorial(2 * i + 1)
        t = c * x ** (2 * i + 1)
        y = y + t
        if abs(t.data) < threshold:
            break
    return y


def taylor_sin(x: float, threshold: float):
    """The same partial sum and its derivative in plain floats: sum (-1)^i x^(2i+1)/(2i+1)!."""
    value = slope = 0.0
    for i in range(100000):
        c = (-1) ** i / math.factorial(2 * i + 1)
        term = c * x ** (2 * i + 1)
        value += term
        slope += c * (2 * i + 1) * x ** (2 * i)
        if abs(term) < threshold:
            return value, slope


@cap("sin")
def test_sin_at_pi_over_four():
    x = A.var(np.pi / 4)
    y = A.sin(x)
    A.backward(y)
    assert y.data == pytest.approx(math.sqrt(0.5), rel=1e-15)
    assert A.grad(x) == pytest.approx(math.sqrt(0.5), rel=1e-15)  # cos(pi/4)
    assert A.grad(x) == pytest.approx(0.7071067811865476, rel=1e-15)  # the book's printout


@cap("sin")
def test_my_sin_by_taylor_series():
    x = A.var(np.pi / 4)
    y = my_sin(x)
    A.backward(y)
    value, slope = taylor_sin(np.pi / 4, 1e-4)  # stops after the x^7 term
    assert y.data == pytest.approx(value, rel=1e-15)
    assert A.grad(x) == pytest.approx(slope, rel=1e-15)
    assert y.data == pytest.approx(0.7071064695751781, rel=1e-15)  # the book's printout
    assert A.grad(x) == pytest.approx(0.7071032148228457, rel=1e-15)


@cap("sin")
def test_my_sin_with_a_tiny_threshold_is_sin():
    x = A.var(np.pi / 4)
    y = my_sin(x, threshold=1e-150)
    A.backward(y)
    assert y.data == pytest.approx(math.sin(np.pi / 4), rel=1e-15)
    assert A.grad(x) == pytest.approx(math.cos(np.pi / 4), rel=1e-15)


# ---- step 28: Rosenbrock ---------------------------------------------------------------------

def rosenbrock(x0, x1):
    return 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2


def rosenbrock_grad(x0, x1):
    """By hand: d/dx0 = -400 x0 (x1 - x0^2) + 2 (x0 - 1), d/dx1 = 200 (x1 - x0^2)."""
    return -400 * x0 * (x1 - x0 ** 2) + 2 * (x0 - 1), 200 * (x1 - x0 ** 2)


@cap("rosenbrock")
def test_rosenbrock_gradient_at_zero_two():
    x0, x1 = A.var(0.0), A.var(2.0)
    y = rosenbrock(x0, x1)
    A.backward(y)
    assert y.data == 401.0
    assert (A.grad(x0), A.grad(x1)) == (-2.0, 400.0)


@cap("rosenbrock")
@given(st.floats(-2, 2), st.floats(-1, 3))
def test_rosenbrock_gradient_matches_the_closed_form(a, b):
    x0, x1 = A.var(a), A.var(b)
    A.backward(rosenbrock(x0, x1))
    e0, e1 = rosenbrock_grad(a, b)
    assert A.grad(x0) == pytest.approx(e0, rel=1e-12, abs=1e-10)
    assert A.grad(x1) == pytest.approx(e1, rel=1e-12, abs=1e-10)


@cap("rosenbrock")
def test_gradient_descent_follows_the_numpy_iteration():
    # The book's loop (lr 0.001, from (0, 2)), shortened to 1000 steps, against the same
    # iteration with the hand-derived gradient in numpy.
    lr, iters = 0.001, 1000
    x0, x1 = A.var(0.0), A.var(2.0)
    r0, r1 = 0.0, 2.0
    for _ in range(iters):
        y = rosenbrock(x0, x1)
        A.cleargrad(x0)
        A.cleargrad(x1)
        A.backward(y)
        x0.data = x0.data - lr * A.grad(x0)
        x1.data = x1.data - lr * A.grad(x1)
        g0, g1 = rosenbrock_grad(r0, r1)
        r0, r1 = r0 - lr * g0, r1 - lr * g1
    assert float(x0.data) == pytest.approx(r0, rel=1e-12)
    assert float(x1.data) == pytest.approx(r1, rel=1e-12)
    # ... and it is on its way down the valley to the minimum at (1, 1): after 1000 steps
    # about (0.684, 0.466), where f is about 0.1 (it was 401 at the start).
    assert math.hypot(r0 - 1, r1 - 1) < 0.63 < math.hypot(0 - 1, 2 - 1)
    assert rosenbrock(r0, r1) < 0.11


# ---- step 29: Newton's method with a hand-coded second derivative ---------------------------

@cap("newton-by-hand")
def test_the_book_iterates_are_newtons():
    # The book's numbers, checked independently: x <- x - f'(x) / f''(x) in plain floats.
    x = 2.0
    for expected in BOOK_NEWTON:
        assert x == pytest.approx(expected, rel=1e-15)
        x = x - (4 * x ** 3 - 4 * x) / (12 * x ** 2 - 4)


@cap("newton-by-hand")
def test_newton_with_f_second_by_hand():
    x = A.var(2.0)
    iterates = []
    for _ in range(len(BOOK_NEWTON)):
        iterates.append(float(x.data))
        y = quartic(x)
        A.cleargrad(x)
        A.backward(y)
        x.data = x.data - A.grad(x) / (12 * x.data ** 2 - 4)
    assert iterates == BOOK_NEWTON


# ---- before step 32: gradients are plain numpy values (pinned) -------------------------------

def _first_gradient():
    x = A.var(1.5)
    if not A.has("auto-backward"):  # only manual backprop: call each function's backward by hand
        f_a, f_b = A.fn("Square")(), A.fn("Exp")()
        b = f_b(f_a(x))
        x.grad = f_a.backward(f_b.backward(np.array(1.0)))
    else:
        b = A.exp(A.square(x))
        A.backward(b)
    return x, b


@cap("grad-is-array")
def test_the_gradient_is_a_numpy_value_without_a_graph():
    x, _ = _first_gradient()
    assert is_plain_numpy(x.grad), type(x.grad)
    assert float(x.grad) == pytest.approx(3.0 * math.exp(2.25), rel=1e-14)  # 2x e^(x^2)
    assert not hasattr(x.grad, "backward")  # nothing to differentiate a second time


@cap("grad-is-array")
def test_create_graph_is_not_accepted():
    x, y = _first_gradient()
    A.cleargrad(x)
    with pytest.raises((TypeError, AttributeError)):  # AttributeError: step 6 has no backward
        y.backward(create_graph=True)


# ---- step 32: higher-order derivatives ------------------------------------------------------

@cap("higher-order")
def test_the_gradient_is_a_variable_without_a_graph_by_default():
    x = A.var(2.0)
    y = quartic(x)
    y.backward()
    assert A.is_variable(x.grad)
    assert x.grad.data == 24.0  # 4 * 8 - 4 * 2
    assert x.grad.creator is None  # create_graph=False: the backward pass left no graph
    assert A.fn("Config").enable_backprop is True
    gx = x.grad
    A.cleargrad(x)
    gx.backward()  # a gradient without a graph leads back to nothing
    assert x.grad is None


@cap("higher-order")
def test_second_derivative_44_after_cleargrad():
    x = A.var(2.0)
    y = quartic(x)
    y.backward(create_graph=True)
    gx = x.grad
    assert gx.data == 24.0
    assert gx.creator is not None  # the backward computation is a graph of its own
    assert A.fn("Config").enable_backprop is True  # and the switch is back on afterwards
    x.cleargrad()
    gx.backward()
    assert x.grad.data == 44.0  # 12 * 4 - 4 (the review in reference/ says 48: wrong)


@cap("higher-order")
def test_second_derivative_68_without_cleargrad():
    x = A.var(2.0)
    y = quartic(x)
    y.backward(create_graph=True)
    x.grad.backward()
    assert x.grad.data == 68.0  # f' + f'' = 24 + 44: the new gradient adds to the old one


@cap("higher-order")
def test_third_and_fourth_derivatives():
    assert [float(d) for d in nth_derivatives(quartic, 2.0, 4)] == [8.0, 24.0, 44.0, 48.0, 24.0]


@cap("higher-order")
@given(floats)
def test_second_derivative_of_the_quartic(value):
    _, d1, d2 = nth_derivatives(quartic, value, 2)
    assert d1 == pytest.approx(4 * value ** 3 - 4 * value, rel=1e-12, abs=1e-12)
    assert d2 == pytest.approx(12 * value ** 2 - 4, rel=1e-12, abs=1e-12)


@cap("higher-order")
def test_retain_grad_keeps_gradients_as_variables():
    x = A.var(3.0)
    a = A.square(x)
    y = A.exp(a * 0.1)
    y.backward(retain_grad=True, create_graph=True)
    assert A.is_variable(a.grad) and A.is_variable(y.grad)
    assert A.grad(a) == pytest.approx(0.1 * math.exp(0.9), rel=1e-14)


@cap("higher-order")
def test_a_failing_backward_turns_backprop_back_on():
    class Broken(A.dz.Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            raise ArithmeticError("broken on purpose")

    y = Broken()(A.var(1.0))
    with pytest.raises(ArithmeticError):
        y.backward()
    assert A.fn("Config").enable_backprop is True


# ---- step 32 on: second derivatives of every elementwise function ---------------------------

# Every function's own second derivative is a row of the op table (ops.py); here, only
# compositions of them.
_A = [0.7, -1.3, 1.9]
_B = [1.1, 0.6, -1.7]


@cap("second-derivatives")
def test_a_composite_passes_the_second_derivative_check():
    gradgradcheck(lambda a, b: A.exp(a * b) / (1 + A.square(b)) - A.sin(a) ** 2 * b, _A, _B)


@cap("second-derivatives")
@given(st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=3))
def test_a_random_composite_passes_the_second_derivative_check(values):
    arr = np.array(values)
    gradgradcheck(lambda a, b: A.sin(a * b) * A.exp(-A.square(b) / 4) + a ** 3 / (b ** 2 + 1),
                  arr, arr[::-1] / 2 + 0.3)


@cap("second-derivatives")
def test_gradgradcheck_catches_a_wrong_second_derivative():
    class WrongSquare(A.fn("Square")):  # right first derivative, computed without a graph
        def backward(self, gy):
            x = self.inputs[0]
            return A.dz.Variable(2 * x.data * A.data(gy))

    with pytest.raises(AssertionError, match="second-derivative mismatch"):
        gradgradcheck(lambda a: WrongSquare()(a) * a, _A)


# ---- step 33: Newton's method with the second derivative by backprop -------------------------

@cap("newton-auto")
def test_newton_with_f_second_by_backprop():
    x = A.var(2.0)
    iterates = []
    for _ in range(len(BOOK_NEWTON)):
        iterates.append(float(x.data))
        y = quartic(x)
        x.cleargrad()
        y.backward(create_graph=True)
        gx = x.grad
        x.cleargrad()
        gx.backward()
        gx2 = x.grad
        x.data = x.data - gx.data / gx2.data
    assert iterates == BOOK_NEWTON


# ---- step 34: dezero.functions, sin and cos to any order -------------------------------------

POINTS = np.linspace(-7, 7, 200)  # the book's plot of sin and its derivatives


@cap("sin-cos-functions")
def test_functions_module_has_sin_and_cos():
    F = A.module("functions")
    assert F is not None, "dezero/functions.py arrives in step 34"
    x = A.var(0.5)
    for name, cls, expected in (("sin", "Sin", math.sin(0.5)), ("cos", "Cos", math.cos(0.5))):
        y = getattr(F, name)(x)
        assert isinstance(y.creator, getattr(F, cls))
        assert y.data == pytest.approx(expected, rel=1e-15)


@cap("sin-cos-functions")
def test_the_books_derivatives_of_sin_at_one():
    F = A.module("functions")
    x = A.var(1.0)
    y = F.sin(x)
    y.backward(create_graph=True)
    found = []
    for _ in range(3):
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
        found.append(float(x.grad.data))
    # The book prints y'' .. y'''' this way: the loop starts from y' = cos 1.
    assert found == [pytest.approx(v, rel=1e-15) for v in
                     (-math.sin(1.0), -math.cos(1.0), math.sin(1.0))]


@cap("sin-cos-functions")
@pytest.mark.parametrize("name, phase", [("sin", 0.0), ("cos", math.pi / 2)])
def test_nth_derivatives_of_sin_and_cos(name, phase):
    # sin^(n)(x) = sin(x + n pi/2), and cos(x) = sin(x + pi/2).
    derivatives = nth_derivatives(getattr(A.module("functions"), name), POINTS, 6)
    for n, got in enumerate(derivatives):
        np.testing.assert_allclose(got, np.sin(POINTS + phase + n * math.pi / 2),
                                   rtol=0, atol=1e-13, err_msg=f"{name}^({n})")


# ---- step 35: tanh to any order ------------------------------------------------------------

def tanh_derivative_polynomials(n):
    """P_0 .. P_n with tanh^(k)(x) = P_k(tanh x).

    With t = tanh x, dt/dx = 1 - t^2, so d/dx P(t) = P'(t) (1 - t^2): P_0 = t,
    P_1 = 1 - t^2, P_2 = -2t + 2t^3, P_3 = -2 + 8t^2 - 6t^4, ...
    """
    polys = [Polynomial([0, 1])]
    for _ in range(n):
        polys.append(polys[-1].deriv() * Polynomial([1, 0, -1]))
    return polys


@cap("tanh")
def test_tanh_polynomials_are_right():
    # Spot-check the recursion against hand-derived forms: tanh' = sech^2 = 1 - t^2,
    # tanh'' = -2 tanh sech^2.
    p = tanh_derivative_polynomials(3)
    assert p[1] == Polynomial([1, 0, -1])
    assert p[2] == Polynomial([0, -2, 0, 2])
    assert p[3] == Polynomial([-2, 0, 8, 0, -6])


@cap("tanh")
def test_nth_derivatives_of_tanh():
    points = np.linspace(-3, 3, 41)
    t = np.tanh(points)
    derivatives = nth_derivatives(A.module("functions").tanh, points, 6)
    polys = tanh_derivative_polynomials(6)
    for n, (got, poly) in enumerate(zip(derivatives, polys, strict=True)):
        np.testing.assert_allclose(got, poly(t), rtol=1e-12, atol=1e-12,
                                   err_msg=f"tanh^({n})")


@cap("tanh")
def test_tanh_is_in_dezero_functions():
    F = A.module("functions")
    y = F.tanh(A.var(0.5))
    assert isinstance(y.creator, F.Tanh)
    assert y.data == pytest.approx(math.tanh(0.5), rel=1e-15)


# ---- step 36: double backprop -------------------------------------------------------------

def _double_backprop(value, clear=True):
    """The book's step 36: y = x^2, gx = dy/dx, z = gx^3 + y, then dz/dx."""
    x = A.var(value)
    y = x ** 2
    y.backward(create_graph=True)
    gx = x.grad
    if clear:
        x.cleargrad()
    z = gx ** 3 + y
    z.backward()
    return z, x


@cap("double-backprop")
def test_the_books_double_backprop_at_two():
    z, x = _double_backprop(2.0)
    # gx = 2x, so z = 8x^3 + x^2 = 68 and dz/dx = 24x^2 + 2x = 100 at x = 2.
    assert z.data == 68.0
    assert x.grad.data == 100.0


@cap("double-backprop")
def test_without_cleargrad_the_first_gradient_stays_in():
    _, x = _double_backprop(2.0, clear=False)
    assert x.grad.data == 104.0  # 2x + (24x^2 + 2x)


@cap("double-backprop")
@given(st.floats(-5, 5, allow_nan=False))
def test_double_backprop_closed_form(value):
    z, x = _double_backprop(value)
    assert z.data == pytest.approx(8 * value ** 3 + value ** 2, rel=1e-13, abs=1e-300)
    assert A.grad(x) == pytest.approx(24 * value ** 2 + 2 * value, rel=1e-13, abs=1e-300)


@cap("double-backprop")
@given(st.floats(-3, 3, allow_nan=False))
def test_a_gradient_penalty(value):
    # f = sin(x) x, gx = cos(x) x + sin(x); the penalty z = gx^2 has
    # dz/dx = 2 gx (2 cos x - x sin x).
    x = A.var(value)
    y = A.sin(x) * x
    y.backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    (gx * gx).backward()
    g = math.cos(value) * value + math.sin(value)
    expected = 2 * g * (2 * math.cos(value) - value * math.sin(value))
    assert A.grad(x) == pytest.approx(expected, rel=1e-12, abs=1e-12)
