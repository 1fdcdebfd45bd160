"""Step 46: optimizers, each on the quadratic f(x) = sum(x^2) / 2, whose gradient is x.

Each trajectory is compared with the rule written here in numpy from its definition (the
papers' forms, not the book's code: Adam here divides by sqrt(v-hat) + eps with v-hat the
bias-corrected average), and SGD's with its closed form x_k = (1 - lr)^k x_0.
"""

import numpy as np
import pytest

from . import adapter as A
from .dtype_check import expect_dtype

cap = pytest.mark.capability

X0 = np.array([1.0, -2.0, 0.5])


def _optimizer(name):
    return A.fn(name)


def _target(x0=X0, dtype=np.float64):
    layer = A.fn("Layer")()
    layer.x = A.fn("Parameter")(np.array(x0, dtype=dtype))
    return layer


def _run(optimizer, steps, x0=X0, dtype=np.float64):
    """x after each of `steps` updates, minimising sum(x^2)/2 from x0."""
    target = _target(x0, dtype)
    assert optimizer.setup(target) is optimizer
    path = []
    for _ in range(steps):
        target.cleargrads()
        loss = A.module("functions").sum(target.x ** 2) / 2
        loss.backward()
        optimizer.update()
        path.append(target.x.data.copy())
    return np.array(path), target


def _reference(step, steps, x0=X0):
    """x after each of `steps` applications of step(x, g, t) with g = x (t counts from 1)."""
    x, path = x0.copy(), []
    for t in range(1, steps + 1):
        x = step(x, x.copy(), t)
        path.append(x.copy())
    return np.array(path)


@cap("optimizers")
def test_sgd_follows_its_closed_form():
    lr = 0.1
    path, _ = _run(_optimizer("SGD")(lr=lr), 5)
    expected = np.array([(1 - lr) ** k * X0 for k in range(1, 6)])
    np.testing.assert_allclose(path, expected, rtol=1e-14)


@cap("optimizers")
def test_sgd_default_learning_rate_is_0_01():
    path, _ = _run(_optimizer("SGD")(), 1)
    np.testing.assert_allclose(path[0], 0.99 * X0, rtol=1e-15)


@cap("optimizers")
def test_momentum_sgd_follows_its_recurrence():
    lr, mu = 0.1, 0.9
    v = np.zeros(3)

    def step(x, g, t):
        nonlocal v
        v = mu * v - lr * g
        return x + v

    path, _ = _run(_optimizer("MomentumSGD")(lr=lr, momentum=mu), 6)
    np.testing.assert_allclose(path, _reference(step, 6), rtol=1e-13)
    # By hand: x1 = (1 - lr) x0 = 0.9 x0; v1 = -0.1 x0; x2 = x1 + 0.9 v1 - 0.1 x1 = 0.72 x0.
    np.testing.assert_allclose(path[1], 0.72 * X0, rtol=1e-14)


@cap("adaptive-optimizers")
def test_adagrad_follows_its_definition():
    lr, eps = 0.5, 1e-8
    h = np.zeros(3)

    def step(x, g, t):
        nonlocal h
        h = h + g * g
        return x - lr * g / (np.sqrt(h) + eps)

    path, _ = _run(_optimizer("AdaGrad")(lr=lr), 5)
    np.testing.assert_allclose(path, _reference(step, 5), rtol=1e-12)
    # The first step moves every element by lr against its gradient's sign: g / |g|.
    np.testing.assert_allclose(path[0], X0 - lr * np.sign(X0), rtol=1e-7, atol=1e-7)


@cap("adaptive-optimizers")
def test_adadelta_follows_its_definition():
    rho, eps = 0.95, 1e-6
    msg, msdx = np.zeros(3), np.zeros(3)

    def step(x, g, t):
        nonlocal msg, msdx
        msg = rho * msg + (1 - rho) * g * g
        dx = np.sqrt((msdx + eps) / (msg + eps)) * g
        msdx = rho * msdx + (1 - rho) * dx * dx
        return x - dx

    path, _ = _run(_optimizer("AdaDelta")(), 5)
    np.testing.assert_allclose(path, _reference(step, 5), rtol=1e-12)


@cap("adaptive-optimizers")
def test_adam_follows_kingma_and_ba_with_bias_correction():
    alpha, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    m, v = np.zeros(3), np.zeros(3)

    def step(x, g, t):
        nonlocal m, v
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        return x - alpha * m_hat / (np.sqrt(v_hat) + eps)

    path, _ = _run(_optimizer("Adam")(alpha=alpha), 6)
    # The book adds eps to sqrt(v) before the bias correction, not to sqrt(v-hat): a
    # relative difference of order eps / sqrt(v), about 1e-6 here. Without the correction
    # the first step would be 0.316 alpha instead of alpha.
    np.testing.assert_allclose(path, _reference(step, 6), rtol=1e-5)
    # Corrected, the first step is alpha against the gradient's sign, whatever its size.
    np.testing.assert_allclose(path[0], X0 - alpha * np.sign(X0), rtol=1e-6)


@cap("adaptive-optimizers")
def test_adam_defaults():
    # alpha 0.001: the first step is 0.001 against the gradient's sign.
    path, _ = _run(_optimizer("Adam")(), 1)
    np.testing.assert_allclose(path[0], X0 - 0.001 * np.sign(X0), rtol=1e-6)


ALL = [pytest.param("SGD", marks=cap("optimizers"), id="SGD"),
       pytest.param("MomentumSGD", marks=cap("optimizers"), id="MomentumSGD"),
       pytest.param("AdaGrad", marks=cap("adaptive-optimizers"), id="AdaGrad"),
       pytest.param("AdaDelta", marks=cap("adaptive-optimizers"), id="AdaDelta"),
       pytest.param("Adam", marks=cap("adaptive-optimizers"), id="Adam")]


@pytest.mark.parametrize("name", ALL)
def test_each_optimizer_keeps_float32_parameters_float32_and_in_place(name):
    target = _target(dtype=np.float32)
    data = target.x.data
    optimizer = _optimizer(name)().setup(target)
    for _ in range(2):
        target.cleargrads()
        (A.module("functions").sum(target.x ** 2) / 2).backward()
        optimizer.update()
    expect_dtype(target.x, np.float32, "the updated parameter")
    assert target.x.data is data  # updated in place: the array a model holds stays its own
    assert not np.array_equal(data, X0.astype(np.float32))


@pytest.mark.parametrize("name", ALL)
def test_each_optimizer_keeps_a_separate_state_per_parameter(name):
    # Two parameters, one optimizer: each must move exactly as it would alone.
    alone_a, _ = _run(_optimizer(name)(), 3, x0=X0)
    alone_b, _ = _run(_optimizer(name)(), 3, x0=-3 * X0[::-1])
    target = A.fn("Layer")()
    target.a = A.fn("Parameter")(X0.copy())
    target.b = A.fn("Parameter")(-3 * X0[::-1].copy())
    optimizer = _optimizer(name)().setup(target)
    for _ in range(3):
        target.cleargrads()
        F = A.module("functions")
        (F.sum(target.a ** 2) / 2 + F.sum(target.b ** 2) / 2).backward()
        optimizer.update()
    np.testing.assert_allclose(target.a.data, alone_a[-1], rtol=1e-13)
    np.testing.assert_allclose(target.b.data, alone_b[-1], rtol=1e-13)


@cap("optimizers")
def test_a_parameter_without_gradient_is_left_alone():
    target = _target()
    target.unused = A.fn("Parameter")(np.array([7.0]))
    optimizer = _optimizer("SGD")(lr=0.5).setup(target)
    (A.module("functions").sum(target.x ** 2) / 2).backward()
    optimizer.update()
    np.testing.assert_array_equal(target.unused.data, [7.0])
    np.testing.assert_allclose(target.x.data, 0.5 * X0)


@cap("optimizers")
def test_hooks_get_the_parameters_before_every_update():
    target = _target()
    target.unused = A.fn("Parameter")(np.array([7.0]))
    seen = []

    def weight_decay(params):
        # Record what the hook was given, then decay: g <- g + 0.5 x.
        seen.append([id(p) for p in params])
        for p in params:
            p.grad.data += 0.5 * p.data

    optimizer = _optimizer("SGD")(lr=0.1)
    optimizer.setup(target)
    optimizer.add_hook(weight_decay)
    for _ in range(2):
        target.cleargrads()
        (A.module("functions").sum(target.x ** 2) / 2).backward()
        optimizer.update()
    assert seen == [[id(target.x)]] * 2  # the parameters with a gradient, once per update
    # Each step: x <- x - 0.1 (x + 0.5 x) = 0.85 x.
    np.testing.assert_allclose(target.x.data, 0.85 ** 2 * X0, rtol=1e-14)


@cap("optimizers")
def test_update_before_setup_says_what_is_missing():
    with pytest.raises(RuntimeError, match="setup"):
        _optimizer("SGD")().update()


@cap("optimizers")
def test_the_base_optimizer_has_no_rule_of_its_own():
    optimizer = _optimizer("Optimizer")().setup(_target())
    (A.module("functions").sum(optimizer.target.x ** 2)).backward()
    with pytest.raises(NotImplementedError):
        optimizer.update()
