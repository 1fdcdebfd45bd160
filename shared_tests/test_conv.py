"""Steps 55 and 57: the sizes of a convolution, then convolution and pooling.

Sizes are checked against counting the positions a window can take; convolution and
pooling against direct loops (op_refs.py's references), one output element at
a time, and their gradients by central differences (gradcheck.py and the op table).
"""

import numpy as np
import pytest

from . import adapter as A
from .dtype_check import expect_dtype

cap = pytest.mark.capability


def utils():
    return A.module("utils")


def positions(size, kernel, stride, pad):
    """How many places a window of `kernel` takes along a padded axis, by counting."""
    padded = size + 2 * pad
    return len([start for start in range(0, padded, stride) if start + kernel <= padded])


# ---- step 55: sizes -----------------------------------------------------------------------


@cap("conv-outsize")
def test_get_conv_outsize_counts_the_positions_of_the_window():
    assert utils().get_conv_outsize(4, 3, 1, 1) == 4  # the book's example
    for size in range(1, 8):
        for pad in range(3):
            for kernel in range(1, size + 2 * pad + 1):
                for stride in range(1, 4):
                    where = f"size {size}, kernel {kernel}, stride {stride}, pad {pad}"
                    assert utils().get_conv_outsize(size, kernel, stride, pad) == \
                        positions(size, kernel, stride, pad), where


@cap("conv-outsize")
def test_pair_makes_an_int_a_pair_and_keeps_a_pair():
    assert utils().pair(3) == (3, 3)
    assert utils().pair((2, 5)) == (2, 5)
    with pytest.raises(ValueError):
        utils().pair("3")


@pytest.mark.convention("an error names the operation")
@cap("conv-outsize")
def test_a_size_that_cannot_be_names_get_conv_outsize():
    for args in [(3, 8, 1, 1), (0, 1, 1, 0), (4, 3, 0, 0), (4, 3, 1, -1), (4.0, 3, 1, 0),
                 (4, True, 1, 0)]:
        with pytest.raises(ValueError, match="get_conv_outsize"):
            utils().get_conv_outsize(*args)


@pytest.mark.convention("an error names the operation")
@cap("conv-outsize")
def test_pair_names_itself_for_anything_but_an_int_or_two():
    for value in [(1, 2, 3), (2.0, 2), [2, 2], None, True]:
        with pytest.raises(ValueError, match="pair"):
            utils().pair(value)


# ---- before step 57 -----------------------------------------------------------------------


@cap("no-conv")
def test_there_is_no_convolution_yet():
    F = A.module("functions")
    for name in ("conv2d", "conv2d_simple", "pooling", "im2col"):
        assert not hasattr(F, name), name
    assert not hasattr(A.layers(), "Conv2d")


# ---- step 57: im2col, conv2d, pooling, L.Conv2d -------------------------------------------


def F():
    return A.module("functions")


@cap("im2col")
def test_im2col_gives_the_books_shapes():
    np.random.seed(0)
    x1 = np.random.rand(1, 3, 7, 7)
    assert F().im2col(x1, kernel_size=5, stride=1, pad=0, to_matrix=True).shape == (9, 75)
    x2 = np.random.rand(10, 3, 7, 7)
    assert F().im2col(x2, kernel_size=5, stride=1, pad=0, to_matrix=True).shape == (90, 75)


def _overlaps(size, kernel, stride, pad):
    """How many window positions cover each pixel along one axis, by counting."""
    starts = range(-pad, size + pad - kernel + 1, stride)
    return np.array([sum(s <= p < s + kernel for s in starts) for p in range(size)])


@cap("im2col")
def test_col2im_of_im2col_multiplies_each_pixel_by_its_overlap_count():
    x = np.random.default_rng(0).uniform(1, 2, size=(2, 3, 5, 4))
    for kernel, stride, pad in [(3, 1, 1), ((2, 3), (2, 1), (1, 0)), (2, 2, 0), (1, 1, 0)]:
        pair = A.module("utils").pair
        (kh, kw), (sh, sw), (ph, pw) = pair(kernel), pair(stride), pair(pad)
        col = F().im2col(A.var(x), kernel, stride, pad)
        back = F().col2im(col, x.shape, kernel, stride, pad)
        counts = np.outer(_overlaps(5, kh, sh, ph), _overlaps(4, kw, sw, pw))
        np.testing.assert_allclose(back.data, x * counts, rtol=1e-15,
                                   err_msg=f"kernel {kernel}, stride {stride}, pad {pad}")


@cap("conv2d")
def test_conv2d_gives_the_books_shapes_and_its_gradients_those_of_the_inputs():
    np.random.seed(0)
    N, C, H, W = 1, 5, 15, 15
    OC, (KH, KW) = 8, (3, 3)
    x = A.var(np.random.randn(N, C, H, W))
    Wt = np.random.randn(OC, C, KH, KW)
    y = F().conv2d_simple(x, Wt, b=None, stride=1, pad=1)
    y.backward()
    assert y.shape == (1, 8, 15, 15) and A.grad(x).shape == (1, 5, 15, 15)
    z = F().conv2d(x, Wt, b=None, stride=1, pad=1)
    np.testing.assert_allclose(z.data, y.data, rtol=1e-12, atol=1e-12)


@cap("conv2d")
def test_conv2d_and_conv2d_simple_agree_in_values_and_gradients():
    rng = np.random.default_rng(1)
    x0, W0, b0 = rng.normal(size=(2, 3, 5, 4)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    results = []
    for name in ("conv2d", "conv2d_simple"):
        x, W, b = A.var(x0), A.var(W0), A.var(b0)
        y = getattr(F(), name)(x, W, b, stride=(2, 1), pad=(1, 2))
        A.seed(y, np.cos(np.arange(y.data.size)).reshape(y.shape))
        y.backward()
        results.append([y.data, A.grad(x), A.grad(W), A.grad(b)])
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@cap("conv2d")
def test_a_float32_convolution_stays_float32():
    x = A.var(np.ones((1, 2, 4, 4)), dtype=np.float32)
    W = A.var(np.ones((3, 2, 3, 3)), dtype=np.float32)
    y = F().conv2d(x, W, pad=1)
    expect_dtype(y, np.float32, "conv2d's output")
    assert float(y.data[0, 0, 1, 1]) == 18.0 and float(y.data[0, 0, 0, 0]) == 8.0  # 2 x 9, 2 x 4
    y.backward()
    expect_dtype(A.grad(x), np.float32, "x.grad")
    expect_dtype(A.grad(W), np.float32, "W.grad")


@pytest.mark.convention("an error names the operation and both shapes")
@cap("conv2d")
@pytest.mark.parametrize("name", ["conv2d", "conv2d_simple"])
def test_channels_that_do_not_match_name_the_function_and_both_shapes(name):
    x, W = np.ones((1, 3, 5, 5)), np.ones((2, 4, 3, 3))
    with pytest.raises(ValueError, match=name) as info:
        getattr(F(), name)(x, W)
    assert str(x.shape) in str(info.value) and str(W.shape) in str(info.value)
    with pytest.raises(ValueError, match=name):
        getattr(F(), name)(np.ones((3, 5, 5)), W)  # not a batch of images
    with pytest.raises(ValueError, match=name):
        getattr(F(), name)(np.ones((1, 4, 2, 2)), W)  # the kernel does not fit


@pytest.mark.convention("an error names the operation and both shapes")
@cap("deconv2d")
def test_deconv2d_channels_that_do_not_match_name_it_and_both_shapes():
    x, W = np.ones((1, 3, 2, 2)), np.ones((2, 4, 3, 3))
    with pytest.raises(ValueError, match="deconv2d") as info:
        F().deconv2d(x, W)
    assert str(x.shape) in str(info.value) and str(W.shape) in str(info.value)


@cap("deconv2d")
def test_deconv2d_is_the_input_gradient_of_conv2d():
    # <conv(x, W), g> = <x, deconv(g, W)> for every x and g: deconv2d is conv2d's adjoint.
    rng = np.random.default_rng(2)
    x, W = rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(4, 3, 3, 3))
    y = F().conv2d(x, W, stride=2, pad=1).data
    g = rng.normal(size=y.shape)
    back = F().deconv2d(g, W, stride=2, pad=1, outsize=(5, 5)).data
    assert back.shape == x.shape
    assert np.sum(y * g) == pytest.approx(np.sum(x * back), rel=1e-12)


@cap("pooling")
def test_max_pooling_sends_each_gradient_to_its_windows_maximum():
    x = A.var(np.array([[[[1.0, 5.0, 2.0, 0.0],
                          [3.0, 4.0, 7.0, 1.0],
                          [0.0, 0.0, 1.0, 1.5],
                          [6.0, 2.0, 3.0, 1.0]]]]))
    y = F().pooling(x, 2, 2)
    np.testing.assert_array_equal(y.data, [[[[5.0, 7.0], [6.0, 3.0]]]])
    A.seed(y, [[[[10.0, 20.0], [30.0, 40.0]]]])
    y.backward()
    expected = np.zeros((4, 4))
    expected[0, 1], expected[1, 2], expected[3, 0], expected[3, 2] = 10.0, 20.0, 30.0, 40.0
    np.testing.assert_array_equal(A.grad(x)[0, 0], expected)


@pytest.mark.convention("max pooling pads with the lowest value, not zero")
@cap("pooling")
def test_max_pooling_of_negative_values_next_to_the_padding_keeps_their_maximum():
    x = -np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    y = F().pooling(x, 2, 2, 1)
    np.testing.assert_array_equal(y.data[0, 0], [[-1.0, -2.0], [-4.0, -5.0]])


@pytest.mark.convention("an error names the operation and both shapes")
@cap("pooling")
@pytest.mark.parametrize("name", ["pooling", "average_pooling", "pooling_simple"])
def test_a_window_larger_than_the_image_names_the_function_and_the_shape(name):
    with pytest.raises(ValueError, match=name) as info:
        getattr(F(), name)(np.ones((1, 1, 2, 2)), 3)
    assert "(1, 1, 2, 2)" in str(info.value)
    with pytest.raises((ValueError, TypeError), match=name):
        getattr(F(), name)(np.ones((1, 1, 4, 4)), 2, stride=0)


@cap("max-min")
def test_max_and_min_by_hand_ties_share_the_gradient():
    x = A.var([[1.0, 3.0, 3.0], [-2.0, 0.5, -2.0]])
    y = F().max(x)
    assert float(y.data) == 3.0
    A.backward(y)
    np.testing.assert_array_equal(A.grad(x), [[0, 1, 1], [0, 0, 0]])
    x.cleargrad()
    y = F().min(x, axis=1)
    np.testing.assert_array_equal(y.data, [1.0, -2.0])
    np.testing.assert_array_equal(A.method(x, "min")(axis=1).data, [1.0, -2.0])
    A.backward(y)
    np.testing.assert_array_equal(A.grad(x), [[1, 0, 0], [1, 0, 1]])


@cap("conv-layer")
def test_conv2d_layer_finds_its_channels_at_the_first_call():
    conv = A.layers().Conv2d(3, kernel_size=(2, 3), stride=1, pad=(1, 0))
    assert conv.W.data is None
    np.random.seed(4)
    x = np.random.default_rng(0).normal(size=(2, 5, 4, 4)).astype(np.float32)
    y = conv(x)
    np.random.seed(4)
    W = (np.random.randn(3, 5, 2, 3).astype(np.float32) * np.sqrt(1 / (5 * 2 * 3))
         ).astype(np.float32)
    assert conv.W.shape == (3, 5, 2, 3)
    expect_dtype(conv.W, np.float32, "conv.W")
    np.testing.assert_allclose(conv.W.data, W, rtol=1e-6)
    np.testing.assert_array_equal(conv.b.data, np.zeros(3, np.float32))
    assert y.shape == (2, 3, 5, 2)
    expect_dtype(y, np.float32, "the layer's output")
    from .op_refs import conv2d_reference

    np.testing.assert_allclose(y.data, conv2d_reference(x, W, None, 1, (1, 0)), rtol=1e-4,
                               atol=1e-5)
    assert sorted(map(id, conv.params())) == sorted(map(id, [conv.W, conv.b]))


@cap("conv-layer")
def test_conv2d_layer_with_in_channels_draws_at_once_and_nobias_has_no_b():
    np.random.seed(1)
    conv = A.layers().Conv2d(2, 3, in_channels=4, nobias=True, dtype=np.float64)
    np.random.seed(1)
    np.testing.assert_allclose(conv.W.data, np.random.randn(2, 4, 3, 3) * np.sqrt(1 / 36),
                               rtol=1e-14)
    assert conv.b is None and [id(p) for p in conv.params()] == [id(conv.W)]
    y = conv(np.ones((1, 4, 3, 3)))
    assert y.shape == (1, 2, 1, 1)
    np.testing.assert_allclose(y.data[0, :, 0, 0], conv.W.data.sum(axis=(1, 2, 3)),
                               rtol=1e-12)


@pytest.mark.convention("an error names the operation and both shapes")
@cap("conv-layer")
def test_conv2d_layer_refuses_other_channels_naming_both_shapes():
    conv = A.layers().Conv2d(2, 3)
    conv(np.ones((1, 4, 5, 5), dtype=np.float32))
    with pytest.raises(ValueError, match="Conv2d") as info:
        conv(np.ones((1, 3, 5, 5), dtype=np.float32))
    assert "(1, 3, 5, 5)" in str(info.value) and "(2, 4, 3, 3)" in str(info.value)
    with pytest.raises(ValueError, match="Conv2d"):
        conv(np.ones((4, 5, 5), dtype=np.float32))
