"""Step 54: dropout (inverted) and test mode.

The mask is reproduced here from its definition: one np.random.rand(*x.shape) per call,
kept where it is above the ratio; kept elements are divided by 1 - ratio. The test seeds
numpy's generator, draws the same numbers itself, and checks the generator is left exactly
one draw further on.
"""

import weakref

import numpy as np
import pytest

from . import adapter as A
from .dtype_check import expect_dtype
from .gradcheck import gradcheck
from .memory_probe import gc_disabled

cap = pytest.mark.capability

X = np.arange(1.0, 13.0).reshape(3, 4)


def F():
    return A.module("functions")


def _mask(seed, shape, ratio):
    np.random.seed(seed)
    mask = np.random.rand(*shape) > ratio
    return mask, np.random.rand()  # the draw that must come next


# ---- before step 54 -----------------------------------------------------------------------


@cap("no-test-mode")
def test_config_has_no_train_setting_and_there_is_no_dropout():
    assert not hasattr(A.fn("Config"), "train")
    assert not hasattr(A.dz, "test_mode")
    if A.has("sin-cos-functions"):
        assert not hasattr(A.module("functions"), "dropout")


# ---- step 54: dropout ---------------------------------------------------------------------


@cap("dropout")
def test_dropout_keeps_where_one_rand_draw_exceeds_the_ratio_and_scales_up():
    for ratio in (0.5, 0.3, 0.0, 0.9):
        mask, following = _mask(5, X.shape, ratio)
        np.random.seed(5)
        y = F().dropout(A.var(X), ratio) if ratio != 0.5 else F().dropout(A.var(X))
        assert np.random.rand() == following, f"ratio {ratio}: other draws than one rand"
        np.testing.assert_allclose(y.data, np.where(mask, X / (1 - ratio), 0.0), rtol=1e-15,
                                   err_msg=f"ratio {ratio}")
        assert y.dtype == np.float64


@cap("dropout")
def test_dropout_in_float32_stays_float32():
    x = X.astype(np.float32)
    mask, _ = _mask(2, x.shape, 0.25)
    np.random.seed(2)
    v = A.var(x, dtype=np.float32)
    y = F().dropout(v, 0.25)
    expect_dtype(y, np.float32, "dropout's output")
    np.testing.assert_allclose(y.data, np.where(mask, x / np.float32(0.75), 0), rtol=1e-6)
    A.backward(y)
    expect_dtype(A.grad(v), np.float32, "x.grad")


@cap("dropout")
def test_each_call_draws_a_new_mask():
    np.random.seed(0)
    x = A.var(np.ones((20, 20)))
    a, b = F().dropout(x).data, F().dropout(x).data
    assert not np.array_equal(a != 0, b != 0)
    # About half kept: 400 Bernoulli(0.5) draws fall within 200 +- 60 (6 sigma).
    assert 140 < np.count_nonzero(a) < 260


@cap("dropout")
def test_the_gradient_is_the_mask_over_one_minus_the_ratio():
    ratio = 0.4
    mask, _ = _mask(1, X.shape, ratio)
    gy = np.random.default_rng(0).uniform(-1, 1, size=X.shape)
    np.random.seed(1)
    x = A.var(X)
    y = F().dropout(x, ratio)
    A.seed(y, gy)
    y.backward()
    np.testing.assert_allclose(A.grad(x), gy * mask / (1 - ratio), rtol=1e-15)


@cap("dropout")
def test_dropout_with_a_fixed_mask_passes_a_numerical_gradient_check():
    def fixed(x):
        np.random.seed(3)  # the same mask at every evaluation
        return F().dropout(x, 0.5) * x  # x times its dropped self: 2 x m / 0.5 where kept

    gradcheck(fixed, np.random.default_rng(4).uniform(-1, 1, size=(2, 3)))


@pytest.mark.convention("an error names the operation")
@cap("dropout")
def test_a_ratio_outside_zero_to_one_names_dropout():
    for ratio in (1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match="dropout"):
            F().dropout(A.var(X), ratio)


@pytest.mark.convention("an error names the operation")
@cap("dropout")
def test_integer_data_names_dropout():
    with pytest.raises(TypeError, match="dropout"):
        F().dropout(A.dz.Variable(np.arange(4)))


# ---- test mode ----------------------------------------------------------------------------


@cap("test-mode")
def test_training_is_the_default_and_test_mode_sets_it_for_a_block():
    Config = A.fn("Config")
    assert Config.train is True
    with A.dz.test_mode():
        assert Config.train is False
    assert Config.train is True
    with pytest.raises(RuntimeError):
        with A.dz.test_mode():
            raise RuntimeError
    assert Config.train is True  # restored on the way out of an error too


@cap("test-mode")
def test_in_test_mode_dropout_is_the_identity_and_draws_nothing():
    np.random.seed(0)
    following = np.random.rand()
    np.random.seed(0)
    x = A.var(X / 4)
    h = F().sigmoid(x)
    with A.dz.test_mode():
        y = F().dropout(h, 0.9)
    assert np.random.rand() == following
    np.testing.assert_array_equal(y.data, h.data)
    assert y.creator is h.creator  # no function added to the graph
    A.backward(y)
    s = 1 / (1 + np.exp(-X / 4))
    np.testing.assert_allclose(A.grad(x), s * (1 - s), rtol=1e-10)
    assert F().dropout(np.array([1.0, 2.0])).shape == (2,)  # an ndarray is taken too


@cap("test-mode")
def test_test_mode_with_no_grad_builds_no_graph_and_keeps_nothing_alive():
    x = A.var(X)
    with gc_disabled():
        with A.dz.test_mode(), A.dz.no_grad():
            h = F().sigmoid(x)
            y = F().dropout(h * 2)
        assert y.creator is None and h.creator is None
        ref = weakref.ref(h)
        del h
        assert ref() is None
        # No graph in training mode either, under no_grad.
        with A.dz.no_grad():
            h = F().sigmoid(x)
            y = F().dropout(h)
        assert y.creator is None
        ref = weakref.ref(h)
        del h
        assert ref() is None
