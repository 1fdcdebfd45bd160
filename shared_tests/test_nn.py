"""Steps 42-43: linear regression, then a neural network written by hand.

Training is checked against the same training written here in plain numpy, with the
gradients derived by hand in the comments, step for step: the same losses and the same
parameters. Values and gradients of mean_squared_error, linear and sigmoid on many shapes
are rows of the op table (ops.py).
"""

import weakref

import numpy as np
import pytest

from . import adapter as A
from .memory_probe import gc_disabled

cap = pytest.mark.capability


def F():
    return A.module("functions")


# ---- step 42: mean squared error and linear regression ------------------------------------


@cap("mse")
@pytest.mark.parametrize("name", ["mean_squared_error", "mean_squared_error_simple"])
def test_mean_squared_error_by_hand(name):
    # diff = (0, 2, 3): loss = (0 + 4 + 9) / 3; d loss / d x0 = 2 diff / 3 = -d loss / d x1.
    x0, x1 = A.var([[1.0], [2.0], [3.0]]), A.var([[1.0], [0.0], [0.0]])
    loss = getattr(F(), name)(x0, x1)
    assert float(loss.data) == pytest.approx(13 / 3, rel=1e-15)
    A.backward(loss)
    np.testing.assert_allclose(A.grad(x0), [[0.0], [4 / 3], [2.0]], rtol=1e-15)
    np.testing.assert_allclose(A.grad(x1), [[0.0], [-4 / 3], [-2.0]], rtol=1e-15)


@pytest.mark.convention("an error names the operation")
@cap("mse")
@pytest.mark.parametrize("name", ["mean_squared_error", "mean_squared_error_simple"])
@pytest.mark.parametrize("shapes", [((100, 1), (100,)), ((3,), (4,)), ((), ())], ids=str)
def test_mean_squared_error_of_mismatched_shapes_names_it(name, shapes):
    # (100, 1) against (100,) would broadcast to (100, 100): every pair, a silent mistake.
    a, b = (A.var(np.ones(s)) for s in shapes)
    with pytest.raises(ValueError, match=name):
        getattr(F(), name)(a, b)


def _regression_data():
    rng = np.random.default_rng(0)
    x = rng.random((100, 1))
    y = 5 + 2 * x + rng.random((100, 1))
    return x, y


@cap("linear-regression")
def test_linear_regression_follows_gradient_descent_by_hand_to_least_squares():
    x, y = _regression_data()
    lr, iters = 0.5, 300
    # numpy reference: loss = |x W + b - y|^2 / N, so gW = x^T (2 diff / N) and
    # gb = sum over rows of 2 diff / N.
    W_ref, b_ref, losses_ref = np.zeros((1, 1)), np.zeros(1), []
    for _ in range(iters):
        diff = x @ W_ref + b_ref - y
        losses_ref.append(np.sum(diff ** 2) / len(x))
        g = 2 * diff / len(x)
        W_ref, b_ref = W_ref - lr * x.T @ g, b_ref - lr * g.sum(axis=0)

    W, b, losses = A.var(np.zeros((1, 1))), A.var(np.zeros(1)), []
    xv, yv = A.var(x), A.var(y)
    for _ in range(iters):
        loss = F().mean_squared_error(yv, F().matmul(xv, W) + b)
        losses.append(float(loss.data))
        W.cleargrad()
        b.cleargrad()
        loss.backward()
        W.data -= lr * A.grad(W)
        b.data -= lr * A.grad(b)
    np.testing.assert_allclose(losses, losses_ref, rtol=1e-10)
    np.testing.assert_allclose(W.data, W_ref, rtol=1e-10)
    # ... and after 300 steps both sit at the least-squares line.
    (b_ls, w_ls), *_ = np.linalg.lstsq(np.hstack([np.ones_like(x), x]), y[:, 0], rcond=None)
    np.testing.assert_allclose([W.data[0, 0], b.data[0]], [w_ls, b_ls], rtol=1e-6)


# ---- step 43: linear, sigmoid, and a network by hand ---------------------------------------


@cap("linear")
@pytest.mark.parametrize("name", ["linear", "linear_simple"])
def test_linear_by_hand(name):
    # y = x W + b; with gy = ones: gx = gy W^T, gW = x^T gy, gb = column sums of gy = N.
    x = A.var([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    W = A.var([[1.0, -1.0, 0.5], [2.0, 0.0, -0.5]])
    b = A.var([10.0, 20.0, 30.0])
    y = getattr(F(), name)(x, W, b)
    np.testing.assert_array_equal(y.data, [[15.0, 19.0, 29.5], [21.0, 17.0, 29.5],
                                           [27.0, 15.0, 29.5]])
    A.backward(y)
    np.testing.assert_array_equal(A.grad(x), [[0.5, 1.5]] * 3)
    np.testing.assert_array_equal(A.grad(W), [[9.0] * 3, [12.0] * 3])
    np.testing.assert_array_equal(A.grad(b), [3.0, 3.0, 3.0])


@pytest.mark.convention("an error names the operation")
@cap("linear")
def test_linear_of_unaligned_shapes_names_linear():
    with pytest.raises(ValueError, match="linear"):
        F().linear(A.var(np.ones((2, 3))), A.var(np.ones((4, 5))))


@pytest.mark.convention("an error names the operation")
@cap("linear")
def test_linear_with_a_bias_that_does_not_fit_names_linear():
    with pytest.raises(ValueError, match="linear"):
        F().linear(A.var(np.ones((2, 3))), A.var(np.ones((3, 4))), A.var(np.ones(3)))


@cap("sigmoid")
def test_sigmoid_is_finite_far_out_without_overflow():
    x = A.var([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with np.errstate(all="raise"):  # an overflowing exp would raise FloatingPointError here
        y = F().sigmoid(x)
        A.backward(y)
    # 1 / (1 + e^-x), written as e^x / (1 + e^x) for x < 0 (no overflow). The book's
    # tanh(x / 2) / 2 + 1/2 is exact to an absolute 1e-16, not relatively near 0.
    expected = [0.0, np.exp(-40.0) / (1 + np.exp(-40.0)), 0.5, 1 / (1 + np.exp(-40.0)), 1.0]
    np.testing.assert_allclose(y.data, expected, rtol=1e-12, atol=1e-16)
    g = A.grad(x)
    assert np.all(np.isfinite(g))
    assert g[2] == pytest.approx(0.25)  # y (1 - y) at 0
    assert g[0] == 0.0 and g[4] == 0.0


@cap("linear-frees")
def test_linear_simple_frees_the_product_it_no_longer_needs():
    x, W, b = A.var(np.ones((4, 3))), A.var(np.ones((3, 2))), A.var(np.zeros(2))
    y = F().linear_simple(x, W, b)
    products = [v for v in y.creator.inputs if v.creator is not None]
    assert len(products) == 1, "y = t + b with t = x W from matmul"
    t = products[0]
    assert t.data is None
    A.backward(y)  # backward does not need t's values
    np.testing.assert_array_equal(A.grad(W), np.full((3, 2), 4.0))
    np.testing.assert_array_equal(A.grad(b), [4.0, 4.0])


@cap("linear-frees")
def test_linear_keeps_no_intermediate_value():
    x, W, b = A.var(np.ones((4, 3))), A.var(np.ones((3, 2))), A.var(np.zeros(2))
    y = F().linear(x, W, b)
    assert [id(v) for v in y.creator.inputs] == [id(x), id(W), id(b)]


def _sigmoid(h):
    return 1 / (1 + np.exp(-h))


def _two_layer_reference(x, t, params, lr, iters):
    """The two-layer network (linear, sigmoid, linear; mean squared error) in numpy.

    y = sigmoid(x W1 + b1) W2 + b2, loss = |y - t|^2 / N. By the chain rule:
    gy = 2 (y - t) / N; gW2 = a^T gy; gb2 = column sums of gy; ga = gy W2^T;
    gh = ga a (1 - a); gW1 = x^T gh; gb1 = column sums of gh.
    """
    W1, b1, W2, b2 = (p.copy() for p in params)
    losses = []
    for _ in range(iters):
        a = _sigmoid(x @ W1 + b1)
        y = a @ W2 + b2
        losses.append(np.sum((y - t) ** 2) / len(x))
        gy = 2 * (y - t) / len(x)
        gh = (gy @ W2.T) * a * (1 - a)
        W1, b1, W2, b2 = (W1 - lr * x.T @ gh, b1 - lr * gh.sum(axis=0),
                          W2 - lr * a.T @ gy, b2 - lr * gy.sum(axis=0))
    return losses, (W1, b1, W2, b2)


@cap("nn-by-hand")
@pytest.mark.parametrize("linear, sigmoid", [("linear", "sigmoid"),
                                             ("linear_simple", "sigmoid_simple")])
def test_two_layer_network_by_hand_follows_the_numpy_reference(linear, sigmoid):
    rng = np.random.default_rng(0)
    x = rng.random((100, 1))
    t = np.sin(2 * np.pi * x) + rng.random((100, 1))
    start = [0.01 * rng.standard_normal((1, 10)), np.zeros(10),
             0.01 * rng.standard_normal((10, 1)), np.zeros(1)]
    lr, iters = 0.2, 30
    losses_ref, params_ref = _two_layer_reference(x, t, start, lr, iters)

    params = [A.var(p.copy()) for p in start]
    W1, b1, W2, b2 = params
    lin, sig = getattr(F(), linear), getattr(F(), sigmoid)
    losses = []
    for _ in range(iters):
        y = lin(sig(lin(A.var(x), W1, b1)), W2, b2)
        loss = F().mean_squared_error(y, t)
        losses.append(float(loss.data))
        for p in params:
            p.cleargrad()
        loss.backward()
        for p in params:
            p.data -= lr * A.grad(p)
    np.testing.assert_allclose(losses, losses_ref, rtol=1e-10)
    assert losses[-1] < losses[0]
    for p, ref in zip(params, params_ref, strict=True):
        np.testing.assert_allclose(p.data, ref, rtol=1e-9, atol=1e-14)


@cap("nn-by-hand")
def test_a_training_step_by_hand_leaves_no_graph_once_the_loss_is_dropped():
    x = A.var(np.linspace(0, 1, 8).reshape(8, 1))
    params = [A.var(np.full((1, 4), 0.5)), A.var(np.zeros(4)),
              A.var(np.full((4, 1), 0.5)), A.var(np.zeros(1))]
    with gc_disabled():
        h = F().sigmoid(F().linear(x, params[0], params[1]))
        loss = F().mean_squared_error(F().linear(h, params[2], params[3]), np.zeros((8, 1)))
        loss.backward()
        nodes = [weakref.ref(loss), weakref.ref(loss.creator), weakref.ref(h),
                 weakref.ref(h.creator)]
        del h, loss
        assert [r() for r in nodes] == [None] * len(nodes)
    assert all(p.grad is not None for p in params)  # the gradients are the parameters' own
