"""Step 47: indexing with a gradient, softmax, and the softmax cross-entropy loss.

The loss is checked against a float64 reference written here: the mean over rows of
-log softmax(x)[t], with log softmax computed as x - max - log(sum(exp(x - max))).
Values and gradients on several shapes are rows of the op table (ops.py).
"""

import numpy as np
import pytest

from . import adapter as A
from .dtype_check import expect_dtype

cap = pytest.mark.capability


def F():
    return A.module("functions")


def cross_entropy(x, t):
    """-mean_n log softmax(x_n)[t_n] in float64, by the log-sum-exp shift."""
    x = np.asarray(x, dtype=np.float64)
    m = x.max(axis=1, keepdims=True)
    log_softmax = x - m - np.log(np.sum(np.exp(x - m), axis=1, keepdims=True))
    return -np.mean(log_softmax[np.arange(len(x)), t])


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ---- indexing -----------------------------------------------------------------------------


@cap("no-indexing")
def test_indexing_a_variable_is_a_type_error():
    x = A.var([1.0, 2.0, 3.0])
    with pytest.raises(TypeError):
        x[0]


@cap("get-item")
def test_repeated_indices_add_their_gradients():
    x = A.var([10.0, 20.0, 30.0])
    y = x[[0, 0, 1]]
    np.testing.assert_array_equal(y.data, [10.0, 10.0, 20.0])
    A.backward(y)
    np.testing.assert_array_equal(A.grad(x), [2.0, 1.0, 0.0])


@cap("get-item")
def test_rows_slices_and_integer_arrays_pick_what_numpy_picks():
    a = np.arange(12.0).reshape(3, 4)
    x = A.var(a)
    for index in [1, (1, 2), slice(1, None), (slice(None), 2), (np.array([2, 0, 2]),),
                  (np.arange(3), np.array([3, 0, 1])), (Ellipsis, -1)]:
        y = x[index]
        np.testing.assert_array_equal(y.data, a[index], err_msg=str(index))
        g = np.random.default_rng(0).uniform(size=y.shape)
        A.seed(y, g)
        x.cleargrad()
        y.backward()
        expected = np.zeros_like(a)
        np.add.at(expected, index, g)  # each picked element gets its own gradient, summed
        np.testing.assert_array_equal(A.grad(x), expected, err_msg=str(index))


@cap("get-item")
def test_get_item_takes_an_index_held_in_a_variable():
    x = A.var([[1.0, 2.0], [3.0, 4.0]])
    y = F().get_item(x, A.var(np.array([1, 1]), dtype=np.int64))
    np.testing.assert_array_equal(y.data, [[3.0, 4.0], [3.0, 4.0]])
    A.backward(y)
    np.testing.assert_array_equal(A.grad(x), [[0.0, 0.0], [2.0, 2.0]])


@pytest.mark.convention("an error names the operation")
@cap("get-item")
def test_an_index_out_of_range_names_get_item():
    with pytest.raises(IndexError, match="get_item"):
        A.var([1.0, 2.0])[2]


# ---- softmax ------------------------------------------------------------------------------


@cap("softmax")
@pytest.mark.parametrize("name", ["softmax", "softmax_simple"])
def test_softmax_rows_are_probabilities(name):
    for dtype in (np.float64, np.float32):
        x = A.var(np.random.default_rng(1).normal(size=(5, 4)) * 3, dtype=dtype)
        p = getattr(F(), name)(x)
        assert p.dtype == dtype
        assert np.all(p.data > 0)
        np.testing.assert_allclose(p.data.sum(axis=1), np.ones(5), rtol=1e-6)
        np.testing.assert_allclose(p.data, softmax(x.data.astype(np.float64)), rtol=1e-5)


@cap("softmax")
def test_softmax_is_finite_for_scores_of_a_thousand():
    x = A.var([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        p = F().softmax(x)
    np.testing.assert_allclose(p.data, [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], atol=1e-300)


@cap("softmax")
def test_softmax_gradient_is_zero_along_a_constant_shift():
    # softmax(x + c 1) = softmax(x): the gradient of any loss is orthogonal to 1 in each row.
    x = A.var(np.random.default_rng(2).normal(size=(3, 4)))
    p = F().softmax(x)
    A.seed(p, np.random.default_rng(3).normal(size=(3, 4)))
    p.backward()
    np.testing.assert_allclose(A.grad(x).sum(axis=1), np.zeros(3), atol=1e-15)


# ---- softmax cross entropy ----------------------------------------------------------------

SCE = ["softmax_cross_entropy", "softmax_cross_entropy_simple"]


@cap("softmax-cross-entropy")
@pytest.mark.parametrize("name", SCE)
def test_cross_entropy_against_the_float64_reference(name):
    rng = np.random.default_rng(4)
    x_, t = rng.normal(size=(6, 4)) * 2, np.array([0, 3, 1, 1, 2, 0])
    x = A.var(x_)
    loss = getattr(F(), name)(x, t)
    assert loss.shape == ()
    assert float(loss.data) == pytest.approx(cross_entropy(x_, t), rel=1e-12)
    A.backward(loss)
    # d loss / dx = (softmax(x) - onehot(t)) / N
    np.testing.assert_allclose(A.grad(x), (softmax(x_) - np.eye(4)[t]) / 6, rtol=1e-10,
                               atol=1e-15)


@cap("softmax-cross-entropy")
def test_cross_entropy_is_finite_and_right_for_scores_of_a_thousand():
    x_ = np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0], [-1000.0, 0.0, 1000.0]])
    t = np.array([0, 1, 1])
    x = A.var(x_)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = F().softmax_cross_entropy(x, t)
        A.backward(loss)
    # Row 0 picks its maximum: -log p = log(1 + e^-1000 + e^-2000) = 0 in double precision;
    # row 1 picks -1000 next to 1000: 2000; row 2 picks 0 next to 1000: 1000.
    assert float(loss.data) == pytest.approx((0.0 + 2000.0 + 1000.0) / 3, rel=1e-15)
    assert float(loss.data) == pytest.approx(cross_entropy(x_, t), rel=1e-15)
    np.testing.assert_allclose(A.grad(x), (softmax(x_) - np.eye(3)[t]) / 3, atol=1e-300)


@cap("softmax-cross-entropy")
@pytest.mark.parametrize("name", SCE)
def test_float32_scores_and_integer_labels_give_float32(name):
    x = A.var(np.random.default_rng(5).normal(size=(4, 3)), dtype=np.float32)
    t = np.array([2, 0, 1, 1], dtype=np.int64)
    loss = getattr(F(), name)(x, t)
    loss.backward()
    expect_dtype(loss, np.float32, "the loss")
    expect_dtype(A.grad(x), np.float32, "x.grad")
    assert float(loss.data) == pytest.approx(cross_entropy(x.data, t), rel=1e-5)


@cap("softmax-cross-entropy")
@pytest.mark.parametrize("name", SCE)
@pytest.mark.parametrize("labels, error", [
    ([0, 3], ValueError),  # out of range for 3 classes
    ([0, -1], ValueError),  # would silently pick the last class
    ([0.0, 1.0], TypeError),  # a float label
    ([0, 1, 2], ValueError),  # three labels for two rows
], ids=["too-large", "negative", "float", "count"])
@pytest.mark.convention("an error names the operation")
def test_bad_labels_name_the_loss(name, labels, error):
    x = A.var(np.zeros((2, 3)))
    with pytest.raises(error, match=name):
        getattr(F(), name)(x, np.array(labels))


@pytest.mark.convention("an error names the operation")
@cap("softmax-cross-entropy")
@pytest.mark.parametrize("name", SCE)
def test_scores_that_are_not_a_matrix_name_the_loss(name):
    with pytest.raises(ValueError, match=name):
        getattr(F(), name)(A.var(np.zeros(3)), np.array([0]))


@cap("softmax-cross-entropy")
def test_a_classifier_learns_by_softmax_cross_entropy():
    # Three separable points, one per class, and a linear model: the loss must fall.
    x = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    t = np.array([0, 1, 2])
    W = A.var(np.zeros((2, 3)))
    losses = []
    for _ in range(20):
        loss = F().softmax_cross_entropy(F().matmul(A.var(x), W), t)
        losses.append(float(loss.data))
        W.cleargrad()
        loss.backward()
        W.data -= 1.0 * A.grad(W)
    assert losses[0] == pytest.approx(np.log(3))  # all classes equally likely at W = 0
    assert losses[-1] < 0.2 * losses[0]
