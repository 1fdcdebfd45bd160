"""Steps 37-41: functions on tensors — sum, reshape, transpose, broadcasting, matmul.

Values and gradients of each function on many shapes are rows of the op table (ops.py). Here
are what rows cannot say: the Variable methods' calling forms, gradients derived by hand,
the early stages' limitations (pins) and the errors bad shapes give.
"""

import numpy as np
import pytest

from . import adapter as A

cap = pytest.mark.capability


def F():
    return A.module("functions")


def M23():
    """A (2, 3) Variable holding 0 .. 5."""
    return A.var(np.arange(6.0).reshape(2, 3))


# ---- step 39: sum of all elements ---------------------------------------------------------


@cap("sum")
def test_sum_of_all_elements_gives_every_element_the_gradient():
    x = M23()
    y = F().sum(x)
    assert y.shape == () and float(y.data) == 15.0  # 0 + 1 + ... + 5
    A.backward(y)
    # d(sum)/dx_ij = 1 for every element.
    np.testing.assert_array_equal(A.grad(x), np.ones((2, 3)))


@cap("sum")
def test_sum_of_a_product_passes_on_the_outer_gradient():
    # y = sum(x * c) with c constant: dy/dx = c, element by element.
    c = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -1.0]])
    x = M23()
    y = F().sum(x * A.var(c))
    A.backward(y)
    assert float(y.data) == pytest.approx(float(np.sum(np.arange(6.0).reshape(2, 3) * c)))
    np.testing.assert_array_equal(A.grad(x), c)


def _second_derivative_of_squared_sum():
    """d/dx of sum(d f/dx) for f = (sum x)^2 at x = (1, 2, 3), by double backprop.

    f' = 2 s (each element, s = sum x = 6), so sum(f') = 6 s and its gradient is 6 per
    element. A backward that cannot be differentiated again loses the sum over elements and
    gives 2 per element instead.
    """
    x = A.var([1.0, 2.0, 3.0])
    y = F().sum(x) ** 2
    y.backward(create_graph=True)
    gx = x.grad
    np.testing.assert_array_equal(A.data(gx), [12.0, 12.0, 12.0])  # 2 s
    x.cleargrad()
    gx.backward()
    return A.grad(x)


@cap("sum-grad-once")
def test_a_sums_gradient_differentiates_wrongly_before_broadcast_to():
    np.testing.assert_array_equal(_second_derivative_of_squared_sum(), [2.0, 2.0, 2.0])


@cap("broadcast")
def test_a_sums_gradient_differentiates_correctly():
    np.testing.assert_array_equal(_second_derivative_of_squared_sum(), [6.0, 6.0, 6.0])


# ---- step 38: reshape and transpose -------------------------------------------------------


RESHAPES = {"ints": lambda x: x.reshape(3, 2), "tuple": lambda x: x.reshape((3, 2)),
            "list": lambda x: x.reshape([3, 2]), "minus-one": lambda x: x.reshape(-1, 2),
            "F.reshape": lambda x: F().reshape(x, (3, 2))}


@cap("reshape")
def test_reshape_forms_agree_with_numpy():
    for form, call in RESHAPES.items():
        x = M23()
        y = call(x)
        assert A.is_variable(y), form
        np.testing.assert_array_equal(y.data, np.arange(6.0).reshape(3, 2), err_msg=form)
        # The gradient of element k of y is that of element k of x, in x's shape again.
        A.seed(y, np.arange(10.0, 16.0).reshape(3, 2))
        y.backward()
        np.testing.assert_array_equal(A.grad(x), np.arange(10.0, 16.0).reshape(2, 3),
                                      err_msg=form)


@cap("reshape")
def test_reshape_to_an_int_gives_a_vector():
    y = F().reshape(M23(), 6)
    np.testing.assert_array_equal(y.data, np.arange(6.0))


@cap("reshape")
def test_reshape_to_the_same_shape_returns_the_variable_itself():
    # As the book's reshape does: no function is recorded for a reshape that changes nothing.
    x = M23()
    assert F().reshape(x, (2, 3)) is x
    y = F().reshape(np.arange(6.0).reshape(2, 3), (2, 3))  # an ndarray becomes a Variable
    assert A.is_variable(y) and y.creator is None


@pytest.mark.convention("an error names the operation")
@cap("reshape")
def test_reshape_to_a_wrong_size_names_reshape():
    with pytest.raises(ValueError, match="reshape"):
        F().reshape(M23(), (4, 2))


@pytest.mark.convention("an error names the operation")
@cap("reshape")
def test_reshape_with_a_bad_shape_names_reshape():
    with pytest.raises(TypeError, match="reshape"):
        F().reshape(M23(), "six")


@cap("transpose")
def test_transpose_forms_agree_with_numpy():
    x = A.var(np.arange(24.0).reshape(2, 3, 4))
    expected = np.arange(24.0).reshape(2, 3, 4)
    for y, ref in [(x.T, expected.T), (x.transpose(), expected.transpose()),
                   (x.transpose(1, 0, 2), expected.transpose(1, 0, 2)),
                   (x.transpose((2, 0, 1)), expected.transpose(2, 0, 1)),
                   (F().transpose(x), expected.T),
                   (F().transpose(x, (0, 2, 1)), expected.transpose(0, 2, 1))]:
        assert A.is_variable(y)
        np.testing.assert_array_equal(y.data, ref)


@cap("transpose")
def test_transposes_gradient_goes_back_to_where_each_element_came_from():
    # y = x.transpose(1, 2, 0): y[j, k, i] = x[i, j, k]. Seed y with distinct values g;
    # x's gradient at [i, j, k] must be g[j, k, i], i.e. g transposed by the inverse order.
    x = A.var(np.zeros((2, 3, 4)))
    y = x.transpose(1, 2, 0)
    g = np.arange(24.0).reshape(3, 4, 2)
    A.seed(y, g)
    y.backward()
    expected = np.empty((2, 3, 4))
    for i, j, k in np.ndindex(2, 3, 4):
        expected[i, j, k] = g[j, k, i]
    np.testing.assert_array_equal(A.grad(x), expected)


@pytest.mark.convention("an error names the operation")
@cap("transpose")
def test_transpose_with_repeated_axes_names_transpose():
    with pytest.raises(ValueError, match="transpose"):
        F().transpose(A.var(np.zeros((2, 3))), (0, 0))


@pytest.mark.convention("an error names the operation")
@cap("transpose")
def test_transpose_with_axes_that_are_not_ints_names_transpose():
    with pytest.raises(TypeError, match="transpose"):
        F().transpose(A.var(np.zeros((2, 3))), ("a", "b"))


# ---- step 39: sum along axes --------------------------------------------------------------


@cap("sum-axis")
def test_sum_along_axes_agrees_with_numpy():
    a = np.arange(24.0).reshape(2, 3, 4)
    for axis in [None, 0, 1, -1, (0, 1), (0, 2), (2, 0)]:
        for keepdims in (False, True):
            ref = a.sum(axis=axis, keepdims=keepdims)
            for form, y in [("F.sum", F().sum(A.var(a), axis=axis, keepdims=keepdims)),
                            ("x.sum", A.var(a).sum(axis=axis, keepdims=keepdims))]:
                where = f"{form}(axis={axis}, keepdims={keepdims})"
                assert y.shape == ref.shape, where
                np.testing.assert_array_equal(y.data, ref, err_msg=where)


@cap("sum-axis")
def test_sum_over_an_axis_copies_each_gradient_along_it():
    # y[i, k] = sum_j x[i, j, k]: every x[i, j, k] gets the gradient of y[i, k].
    x = A.var(np.zeros((2, 3, 4)))
    y = x.sum(axis=1)
    g = np.arange(8.0).reshape(2, 4)
    A.seed(y, g)
    y.backward()
    np.testing.assert_array_equal(A.grad(x), np.repeat(g[:, None, :], 3, axis=1))


@pytest.mark.convention("an error names the operation")
@cap("sum-axis")
def test_sum_over_a_missing_axis_names_sum():
    with pytest.raises(ValueError, match="sum"):
        F().sum(M23(), axis=2)


@pytest.mark.convention("an error names the operation")
@cap("sum-axis")
def test_sum_over_a_bad_axis_names_sum():
    with pytest.raises(TypeError, match="sum"):
        F().sum(M23(), axis="rows")


# ---- step 40: broadcasting ----------------------------------------------------------------


@cap("broadcast-grad-shape")
def test_broadcast_input_gets_a_gradient_of_the_outputs_shape():
    x0, x1 = A.var([1.0, 2.0, 3.0]), A.var([10.0])
    y = A.add(x0, x1)
    np.testing.assert_array_equal(y.data, [11.0, 12.0, 13.0])
    A.backward(y)
    assert A.grad(x1).shape == (3,)  # should be (1,), holding 3


@cap("broadcast")
def test_broadcast_input_gets_the_sum_of_its_uses():
    x0, x1 = A.var([1.0, 2.0, 3.0]), A.var([10.0])
    y = x0 + x1
    A.backward(y)
    np.testing.assert_array_equal(A.grad(x1), [3.0])  # used three times, gradient 1 each
    np.testing.assert_array_equal(A.grad(x0), [1.0, 1.0, 1.0])


@cap("broadcast")
def test_broadcast_product_gradients_by_hand():
    # y[i, j] = a[i, j] * b[i, 0], a (2, 3), b (2, 1):
    # dL/da[i, j] = g[i, j] b[i];  dL/db[i] = sum_j g[i, j] a[i, j].
    a_, b_ = np.arange(1.0, 7.0).reshape(2, 3), np.array([[2.0], [-1.0]])
    g = np.array([[1.0, 0.5, 2.0], [3.0, -1.0, 1.0]])
    a, b = A.var(a_), A.var(b_)
    y = a * b
    A.seed(y, g)
    y.backward()
    np.testing.assert_array_equal(A.grad(a), [[2.0, 1.0, 4.0], [-3.0, 1.0, -1.0]])
    np.testing.assert_array_equal(A.grad(b), [[1 + 1 + 6], [12 - 5 + 6.0]])


@cap("broadcast")
def test_broadcast_to_and_sum_to_undo_each_other():
    x = A.var([[1.0], [2.0]])
    y = F().broadcast_to(x, (2, 3))
    np.testing.assert_array_equal(y.data, [[1.0] * 3, [2.0] * 3])
    z = F().sum_to(y, (2, 1))
    np.testing.assert_array_equal(z.data, [[3.0], [6.0]])
    A.backward(z)
    # z = 3 x: each x is copied three times and summed back.
    np.testing.assert_array_equal(A.grad(x), [[3.0], [3.0]])


@cap("broadcast")
def test_broadcast_to_and_sum_to_the_same_shape_return_the_variable_itself():
    x = M23()
    assert F().broadcast_to(x, (2, 3)) is x
    assert F().sum_to(x, (2, 3)) is x


@cap("broadcast")
def test_broadcast_result_is_an_array_of_its_own():
    # Updating a broadcast result in place must not write through to its input.
    x = A.var([1.0, 2.0, 3.0])
    y = F().broadcast_to(x, (2, 3))
    y.data[0, 0] = 100.0
    np.testing.assert_array_equal(x.data, [1.0, 2.0, 3.0])
    assert y.data[1, 0] == 1.0


@cap("broadcast")
def test_utils_sum_to_on_arrays():
    sum_to = A.module("utils").sum_to
    a = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(sum_to(a, (4,)), a.sum(axis=(0, 1)))
    np.testing.assert_array_equal(sum_to(a, (3, 1)), a.sum(axis=(0, 2))[:, None])
    np.testing.assert_array_equal(sum_to(a, (1, 1, 4)), a.sum(axis=(0, 1), keepdims=True))
    np.testing.assert_array_equal(sum_to(a, (2, 3, 4)), a)


@cap("broadcast")
@pytest.mark.parametrize("shape", [(4,), (3, 3), (2, 3, 4, 1), (2, 1, 4)],
                         ids=str)
@pytest.mark.convention("an error names the operation")
def test_sum_to_an_unreachable_shape_names_sum_to(shape):
    # (2, 3) cannot have been broadcast from any of these.
    with pytest.raises(ValueError, match="sum_to"):
        F().sum_to(M23(), shape)


@pytest.mark.convention("an error names the operation")
@cap("broadcast")
def test_broadcast_to_an_incompatible_shape_names_broadcast_to():
    with pytest.raises(ValueError, match="broadcast_to"):
        F().broadcast_to(M23(), (3, 2))


@cap("broadcast")
def test_incompatible_operands_are_refused():
    with pytest.raises(ValueError):
        M23() + A.var([1.0, 2.0])


# ---- step 41: matmul ----------------------------------------------------------------------


@cap("matmul")
def test_matmul_and_its_gradients_by_hand():
    # y = x W, x = [[1, 2], [3, 4]], W = [[5], [6]]: y = [[17], [39]].
    # With gy = ones: gx = gy W^T = [[5, 6], [5, 6]]; gW = x^T gy = [[1 + 3], [2 + 4]].
    forms = {"F": lambda x, W: F().matmul(x, W),
             "matmul": lambda x, W: A.method(x, "matmul")(W),
             "dot": lambda x, W: A.method(x, "dot")(W)}
    for form, call in forms.items():
        x, W = A.var([[1.0, 2.0], [3.0, 4.0]]), A.var([[5.0], [6.0]])
        y = call(x, W)
        np.testing.assert_array_equal(y.data, [[17.0], [39.0]], err_msg=form)
        A.backward(y)
        np.testing.assert_array_equal(A.grad(x), [[5.0, 6.0], [5.0, 6.0]], err_msg=form)
        np.testing.assert_array_equal(A.grad(W), [[4.0], [6.0]], err_msg=form)


@cap("matmul")
def test_matmul_takes_an_ndarray_operand():
    x = A.var([[1.0, 2.0]])
    y = F().matmul(x, np.array([[3.0], [4.0]]))
    np.testing.assert_array_equal(y.data, [[11.0]])
    A.backward(y)
    np.testing.assert_array_equal(A.grad(x), [[3.0, 4.0]])


@pytest.mark.convention("an error names the operation")
@cap("matmul")
def test_matmul_of_unaligned_shapes_names_matmul_and_the_shapes():
    x, W = A.var(np.ones((2, 3))), A.var(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        F().matmul(x, W)
    with pytest.raises(ValueError, match="matmul"):
        x.dot(W)


@pytest.mark.convention("an error names the operation")
@cap("matmul")
def test_matmul_of_a_vector_names_matmul():
    with pytest.raises(ValueError, match="matmul"):
        F().matmul(A.var(np.ones(3)), A.var(np.ones((3, 2))))
