"""Convolution and pooling: the functions of a convolutional network (CNN).

An image batch is x of shape (N, C, H, W): N images of C channels, H rows
and W columns. A convolution slides filters W of shape (OC, C, KH, KW) over
it; pooling slides a window and keeps the largest (or the mean) value.

Both are written with im2col: every window the filter visits is copied out
into a row (or a column) of one big array, so that the sliding becomes one
matrix product (np.tensordot), which numpy computes fast. col2im is its
reverse: it adds the windows back into an image, and is what carries the
gradient back. The two are also differentiable Functions (Im2col, Col2im),
each the other's backward.

    conv2d_simple, pooling_simple  built from im2col, linear and max, so
                                   that their gradients come for free
    conv2d, pooling, ...           one Function each, with their own
                                   backward: faster, and less memory

kernel_size, stride and pad are each an int (the same for height and width)
or a pair (for height, width).
"""

import numpy as np

from dezero import cuda
from dezero.core import Function, as_variable
# functions.py imports this module at its very end, so the names below are
# already defined there when this import runs.
from dezero.functions import broadcast_to, linear
from dezero.utils import get_conv_outsize, get_deconv_outsize, pair


# --- Checking the arguments ---------------------------------------------------


def _check_pair(name, what, value, smallest):
    """value, an int or a pair of ints each at least smallest, as a pair.

    name is the function that was called and what the argument, for the
    error: conv2d: stride must be an int or a pair of ints, got 1.5.
    """
    # [3, 3] is as clear as (3, 3).
    given = tuple(value) if isinstance(value, list) else value
    try:
        h, w = pair(given)
    except ValueError:
        raise TypeError(f"{name}: {what} must be an int or a pair of ints, "
                        f"got {value!r}") from None
    if min(h, w) < smallest:
        raise ValueError(f"{name}: {what} must be at least {smallest}, "
                         f"got {value!r}")
    return int(h), int(w)


def _window_args(name, kernel_size, stride, pad):
    """kernel_size, stride and pad, checked, as three pairs."""
    return (_check_pair(name, "kernel_size", kernel_size, 1),
            _check_pair(name, "stride", stride, 1),
            _check_pair(name, "pad", pad, 0))


def _check_image(name, x, what="input"):
    """Raise ValueError unless x is a batch of images (N, C, H, W)."""
    if x.ndim != 4:
        raise ValueError(f"{name}: {what} must be 4-D (N, C, H, W), got "
                         f"shape {x.shape}")


def _out_size(name, shape, kernel, stride, pad):
    """(OH, OW), the positions of the window along the height and width.

    Raises ValueError, naming the function, if the window does not fit the
    padded input even once.
    """
    H, W = shape[2:]
    (KH, KW), (SH, SW), (PH, PW) = kernel, stride, pad
    if KH > H + 2 * PH or KW > W + 2 * PW:
        raise ValueError(
            f"{name}: a {KH}x{KW} window does not fit the {H}x{W} input "
            f"padded by {(PH, PW)} (shape {shape})")
    return (get_conv_outsize(H, KH, SH, PH), get_conv_outsize(W, KW, SW, PW))


def _check_conv_shapes(name, x, W, b=None):
    """Raise ValueError unless x (N, C, H, W), filters W (OC, C, KH, KW) and
    bias b (OC,) go together."""
    _check_image(name, x)
    if W.ndim != 4:
        raise ValueError(f"{name}: the filter W must be 4-D (OC, C, KH, KW), "
                         f"got shape {W.shape}")
    if x.shape[1] != W.shape[1]:
        raise ValueError(
            f"{name}: input has {x.shape[1]} channels, the filter expects "
            f"{W.shape[1]} (x {x.shape}, W {W.shape})")
    if b is not None and tuple(b.shape) != (W.shape[0],):
        raise ValueError(f"{name}: bias has shape {b.shape}, expected "
                         f"({W.shape[0]},), one per output channel "
                         f"(W {W.shape})")


# --- im2col / col2im on arrays ------------------------------------------------


def im2col_array(img, kernel_size, stride, pad, to_matrix=True, *,
                 pad_value=0):
    """Copy out every window of img (N, C, H, W) that a filter would visit.

    Returns col of shape (N, C, KH, KW, OH, OW): col[n, c, j, i, y, x] is the
    pixel at row j, column i of the window at output position (y, x). With
    to_matrix=True it is arranged as a matrix (N*OH*OW, C*KH*KW): one row per
    window, so that a convolution is one matrix product with the filters.
    The image is padded with pad_value (0; max pooling pads with the lowest
    value instead, so that the padding is never the maximum).
    """
    N, C, H, W = img.shape
    KH, KW = pair(kernel_size)
    SH, SW = pair(stride)
    PH, PW = pair(pad)
    OH = get_conv_outsize(H, KH, SH, PH)
    OW = get_conv_outsize(W, KW, SW, PW)

    xp = cuda.get_array_module(img)
    if PH or PW:
        img = xp.pad(img, ((0, 0), (0, 0), (PH, PH), (PW, PW)),
                     mode="constant", constant_values=pad_value)
    col = xp.empty((N, C, KH, KW, OH, OW), dtype=img.dtype)
    # Not a loop over the OH*OW windows but over the KH*KW positions inside
    # a window, usually far fewer: the pixel at (j, i) of every window at
    # once is a strided slice of the image, every SH-th row from row j.
    for j in range(KH):
        j_end = j + SH * (OH - 1) + 1
        for i in range(KW):
            i_end = i + SW * (OW - 1) + 1
            col[:, :, j, i, :, :] = img[:, :, j:j_end:SH, i:i_end:SW]

    if to_matrix:
        col = col.transpose(0, 4, 5, 1, 2, 3).reshape(N * OH * OW, -1)
    return col


def col2im_array(col, img_shape, kernel_size, stride, pad, to_matrix=True):
    """The reverse of im2col_array: add every window of col back into an image.

    col is (N, C, KH, KW, OH, OW), or the matrix (N*OH*OW, C*KH*KW) with
    to_matrix=True; img_shape is (N, C, H, W). A pixel that several windows
    share receives the sum of their values: exactly what the gradient of
    im2col needs, since that pixel was copied into each of them.
    """
    N, C, H, W = img_shape
    KH, KW = pair(kernel_size)
    SH, SW = pair(stride)
    PH, PW = pair(pad)
    OH = get_conv_outsize(H, KH, SH, PH)
    OW = get_conv_outsize(W, KW, SW, PW)

    if to_matrix:
        col = col.reshape(N, OH, OW, C, KH, KW).transpose(0, 3, 4, 5, 1, 2)

    xp = cuda.get_array_module(col)
    img = xp.zeros((N, C, H + 2 * PH, W + 2 * PW), dtype=col.dtype)
    for j in range(KH):
        j_end = j + SH * (OH - 1) + 1
        for i in range(KW):
            i_end = i + SW * (OW - 1) + 1
            # += adds: windows that overlap put several values on one pixel.
            img[:, :, j:j_end:SH, i:i_end:SW] += col[:, :, j, i, :, :]
    # The padding is not part of the image: drop its gradient.
    return img[:, :, PH:H + PH, PW:W + PW]


# --- im2col / col2im as Functions ---------------------------------------------


class Im2col(Function):
    """col = the windows of x, as im2col_array; differentiable."""

    def __init__(self, kernel_size, stride, pad, to_matrix):
        super().__init__()
        self.input_shape = None
        self.kernel_size, self.stride, self.pad = _window_args(
            "im2col", kernel_size, stride, pad)
        self.to_matrix = to_matrix

    def forward(self, x):
        _check_image("im2col", x)
        _out_size("im2col", x.shape, self.kernel_size, self.stride, self.pad)
        self.input_shape = x.shape
        return im2col_array(x, self.kernel_size, self.stride, self.pad,
                            self.to_matrix)

    def backward(self, gy):
        # Each pixel was copied into every window that covers it, so its
        # gradient is the sum over those windows: col2im.
        return col2im(gy, self.input_shape, self.kernel_size, self.stride,
                      self.pad, self.to_matrix)


def im2col(x, kernel_size, stride=1, pad=0, to_matrix=True):
    """The windows of x (N, C, H, W) that a KH x KW filter visits.

    Returns a Variable of shape (N*OH*OW, C*KH*KW) with to_matrix=True, one
    row per window, else (N, C, KH, KW, OH, OW).
    """
    return Im2col(kernel_size, stride, pad, to_matrix)(x)


class Col2im(Function):
    """x = the windows of col added back into an image; differentiable."""

    def __init__(self, input_shape, kernel_size, stride, pad, to_matrix):
        super().__init__()
        self.input_shape = tuple(input_shape)
        self.kernel_size, self.stride, self.pad = _window_args(
            "col2im", kernel_size, stride, pad)
        self.to_matrix = to_matrix

    def forward(self, x):
        # The shape that im2col gives an image of input_shape.
        if len(self.input_shape) != 4:
            raise ValueError("col2im: input_shape must be (N, C, H, W), got "
                             f"{self.input_shape}")
        N, C = self.input_shape[:2]
        (KH, KW), (OH, OW) = self.kernel_size, _out_size(
            "col2im", self.input_shape, self.kernel_size, self.stride, self.pad)
        if self.to_matrix:
            expected = (N * OH * OW, C * KH * KW)
        else:
            expected = (N, C, KH, KW, OH, OW)
        if x.shape != expected:
            raise ValueError(
                f"col2im: got shape {x.shape}, but the windows of an image "
                f"of shape {self.input_shape} make {expected}")
        return col2im_array(x, self.input_shape, self.kernel_size, self.stride,
                            self.pad, self.to_matrix)

    def backward(self, gy):
        # Each window element was added into one pixel: it gets that
        # pixel's gradient, which is im2col of the gradient.
        return im2col(gy, self.kernel_size, self.stride, self.pad,
                      self.to_matrix)


def col2im(x, input_shape, kernel_size, stride=1, pad=0, to_matrix=True):
    """The windows x added back into an image of input_shape (N, C, H, W)."""
    return Col2im(input_shape, kernel_size, stride, pad, to_matrix)(x)


# --- The simple versions: built from functions DeZero already has ---------------


def conv2d_simple(x, W, b=None, stride=1, pad=0):
    """y = the convolution of x (N, C, H, W) with filters W (OC, C, KH, KW).

    Written as im2col and one linear: each window, a row of C*KH*KW
    numbers, times each filter flattened to a column of as many. The
    gradient comes from im2col's and linear's. Returns (N, OC, OH, OW).
    """
    x, W = as_variable(x), as_variable(W)
    _check_conv_shapes("conv2d_simple", x, W, b)
    N = x.shape[0]
    OC, C, KH, KW = W.shape
    stride = _check_pair("conv2d_simple", "stride", stride, 1)
    pad = _check_pair("conv2d_simple", "pad", pad, 0)
    OH, OW = _out_size("conv2d_simple", x.shape, (KH, KW), stride, pad)

    col = im2col(x, (KH, KW), stride, pad, to_matrix=True)
    # (OC, C, KH, KW) -> (C*KH*KW, OC): one filter per column, its elements
    # in the order of a row of col.
    W_col = W.reshape(OC, -1).transpose()
    t = linear(col, W_col, b)
    # The rows of t are the windows in (n, y, x) order, its columns the
    # output channels: put the channels back after the batch axis.
    return t.reshape(N, OH, OW, OC).transpose(0, 3, 1, 2)


def pooling_simple(x, kernel_size, stride=1, pad=0):
    """Max pooling from im2col and max: the largest value of each window."""
    x = as_variable(x)
    _check_image("pooling_simple", x)
    kernel_size, stride, pad = _window_args("pooling_simple", kernel_size,
                                            stride, pad)
    N, C = x.shape[:2]
    KH, KW = kernel_size
    OH, OW = _out_size("pooling_simple", x.shape, kernel_size, stride, pad)

    col = im2col(x, kernel_size, stride, pad, to_matrix=True)
    # A row of col holds a window of every channel; one row per channel.
    col = col.reshape(-1, KH * KW)
    y = col.max(axis=1)
    return y.reshape(N, OH, OW, C).transpose(0, 3, 1, 2)


# --- conv2d / deconv2d ----------------------------------------------------------


class Conv2d(Function):
    """y = conv(x, W) + b: x (N, C, H, W), W (OC, C, KH, KW), b (OC,) or none"""

    def __init__(self, stride=1, pad=0):
        super().__init__()
        self.stride = _check_pair("conv2d", "stride", stride, 1)
        self.pad = _check_pair("conv2d", "pad", pad, 0)

    def forward(self, x, W, b=None):
        _check_conv_shapes("conv2d", x, W, b)
        KH, KW = W.shape[2:]
        _out_size("conv2d", x.shape, (KH, KW), self.stride, self.pad)
        xp = cuda.get_array_module(x)

        col = im2col_array(x, (KH, KW), self.stride, self.pad, to_matrix=False)
        # Sum over the channel and the two kernel axes of both:
        # col (N, C, KH, KW, OH, OW) . W (OC, C, KH, KW) -> (N, OH, OW, OC).
        y = xp.tensordot(col, W, ((1, 2, 3), (1, 2, 3)))
        if b is not None:
            # The channels are the last axis here: b broadcasts along it.
            y += b
        # (N, OH, OW, OC) -> (N, OC, OH, OW)
        return y.transpose(0, 3, 1, 2)

    def backward(self, gy):
        x, W = self.inputs[0], self.inputs[1]
        # The gradient of a convolution with respect to its input is the
        # transposed convolution of the gradient with the same filters.
        gx = deconv2d(gy, W, b=None, stride=self.stride, pad=self.pad,
                      outsize=(x.shape[2], x.shape[3]))
        gW = Conv2DGradW(self)(x, gy)
        if len(self.inputs) == 2:
            return gx, gW
        # b was added at every position of every image.
        gb = gy.sum(axis=(0, 2, 3))
        return gx, gW, gb


def conv2d(x, W, b=None, stride=1, pad=0):
    """y = the convolution of x (N, C, H, W) with filters W (OC, C, KH, KW), plus b.

    Returns (N, OC, OH, OW), OH = (H + 2 * pad - KH) // stride + 1 (and OW
    likewise). stride and pad are ints or (height, width) pairs.
    """
    if b is None:
        return Conv2d(stride, pad)(x, W)
    return Conv2d(stride, pad)(x, W, b)


class Deconv2d(Function):
    """y = the transposed convolution of x (N, C, H, W) with W (C, OC, KH, KW)

    Each input pixel spreads a KH x KW patch, its value times the filter,
    into the output: the reverse of the way a convolution gathers a patch
    into one pixel. It enlarges the image (upsampling), and it is the
    gradient of conv2d with respect to its input.
    """

    def __init__(self, stride=1, pad=0, outsize=None):
        super().__init__()
        self.stride = _check_pair("deconv2d", "stride", stride, 1)
        self.pad = _check_pair("deconv2d", "pad", pad, 0)
        self.outsize = (None if outsize is None
                        else _check_pair("deconv2d", "outsize", outsize, 1))

    def forward(self, x, W, b=None):
        _check_image("deconv2d", x)
        if W.ndim != 4:
            raise ValueError("deconv2d: the filter W must be 4-D (C, OC, KH, "
                             f"KW), got shape {W.shape}")
        if x.shape[1] != W.shape[0]:
            raise ValueError(
                f"deconv2d: input has {x.shape[1]} channels, the filter "
                f"expects {W.shape[0]} (x {x.shape}, W {W.shape})")
        if b is not None and tuple(b.shape) != (W.shape[1],):
            raise ValueError(f"deconv2d: bias has shape {b.shape}, expected "
                             f"({W.shape[1]},) (W {W.shape})")
        xp = cuda.get_array_module(x)
        N, C, H, W_in = x.shape
        OC, KH, KW = W.shape[1:]
        (SH, SW), (PH, PW) = self.stride, self.pad
        if self.outsize is None:
            out_h = get_deconv_outsize(H, KH, SH, PH)
            out_w = get_deconv_outsize(W_in, KW, SW, PW)
        else:
            out_h, out_w = self.outsize
        # The output must be an image that a convolution with the same
        # window would take back to x's size.
        if (get_conv_outsize(out_h, KH, SH, PH),
                get_conv_outsize(out_w, KW, SW, PW)) != (H, W_in):
            raise ValueError(
                f"deconv2d: an output of {out_h}x{out_w} does not fit the "
                f"{H}x{W_in} input with a {KH}x{KW} window, stride "
                f"{self.stride} and pad {self.pad}")

        # W (C, OC, KH, KW) . x (N, C, H, W) over C -> (OC, KH, KW, N, H, W):
        # every input pixel times every filter element. Then put N first:
        # (N, OC, KH, KW, H, W) is a col whose windows are at x's pixels.
        gcol = xp.tensordot(W, x, (0, 1))
        gcol = gcol.transpose(3, 0, 1, 2, 4, 5)
        y = col2im_array(gcol, (N, OC, out_h, out_w), (KH, KW), self.stride,
                         self.pad, to_matrix=False)
        if b is not None:
            y += b.reshape((1, b.size, 1, 1))
        return y

    def backward(self, gy):
        x, W = self.inputs[0], self.inputs[1]
        # Transposed twice is the convolution itself.
        gx = conv2d(gy, W, b=None, stride=self.stride, pad=self.pad)
        # The filter's gradient is Conv2d's with the roles of the image and
        # the gradient swapped.
        gW = Conv2DGradW(self)(gy, x)
        if len(self.inputs) == 2:
            return gx, gW
        gb = gy.sum(axis=(0, 2, 3))
        return gx, gW, gb


def deconv2d(x, W, b=None, stride=1, pad=0, outsize=None):
    """y = the transposed convolution of x (N, C, H, W) with W (C, OC, KH, KW), plus b.

    The output is (N, OC, out_h, out_w), by default out_h =
    stride * (H - 1) + KH - 2 * pad; outsize=(out_h, out_w) picks another
    size where several fit (a stride that does not divide evenly).
    """
    if b is None:
        return Deconv2d(stride, pad, outsize)(x, W)
    return Deconv2d(stride, pad, outsize)(x, W, b)


class Conv2DGradW(Function):
    """gW = the gradient of conv2d's filters, from its input x and gradient gy

    gW[oc, c, j, i] = sum over n, y, x of gy[n, oc, y, x] times the pixel
    at (j, i) of the window at (y, x) of x's channel c: a tensordot of gy
    with im2col of x.
    """

    def __init__(self, conv2d):
        # conv2d is the Conv2d (or Deconv2d) function whose filter's gradient
        # this is (the book's name for it; here it hides the function conv2d).
        W = conv2d.inputs[1]
        self.kernel_size = W.shape[2:]
        self.stride = conv2d.stride
        self.pad = conv2d.pad

    def forward(self, x, gy):
        xp = cuda.get_array_module(x)
        col = im2col_array(x, self.kernel_size, self.stride, self.pad,
                           to_matrix=False)
        # gy (N, OC, OH, OW) . col (N, C, KH, KW, OH, OW) over N, OH, OW
        # -> (OC, C, KH, KW).
        return xp.tensordot(gy, col, ((0, 2, 3), (0, 4, 5)))

    def backward(self, ggW):
        # gW is linear in x and in gy, so with the incoming gradient ggW in
        # the place of the filter: d/dx is a transposed convolution of gy,
        # d/dgy a convolution of x.
        x, gy = self.inputs
        # as the book: conv-grad-w-weakref (gW is the output's weak reference,
        # not ggW)
        gW, = self.outputs
        gx = deconv2d(gy, gW, stride=self.stride, pad=self.pad,
                      outsize=x.shape[2:])
        ggy = conv2d(x, gW, stride=self.stride, pad=self.pad)
        return gx, ggy


# --- pooling (max) / average_pooling --------------------------------------------


def _lowest(dtype):
    """The smallest value of dtype: -inf for floats."""
    if np.issubdtype(dtype, np.floating):
        return -np.inf
    return np.iinfo(dtype).min


class Pooling(Function):
    """y = the largest value of each window of x (max pooling)"""

    def __init__(self, kernel_size, stride=1, pad=0):
        super().__init__()
        self.kernel_size, self.stride, self.pad = _window_args(
            "pooling", kernel_size, stride, pad)
        # A window made only of padding would have no real value to pick.
        if any(p >= k for p, k in zip(self.pad, self.kernel_size)):
            raise ValueError(f"pooling: pad {self.pad} must be smaller than "
                             f"the kernel {self.kernel_size}")

    def forward(self, x):
        _check_image("pooling", x)
        _out_size("pooling", x.shape, self.kernel_size, self.stride, self.pad)
        # Padding with the lowest value, not zero: a window of negative
        # values next to the border must still give its own maximum.
        col = im2col_array(x, self.kernel_size, self.stride, self.pad,
                           to_matrix=False, pad_value=_lowest(x.dtype))
        N, C, KH, KW, OH, OW = col.shape
        col = col.reshape(N, C, KH * KW, OH, OW)
        # Where in its window each maximum was: backward sends the gradient
        # there and nowhere else.
        self.indexes = col.argmax(axis=2)
        return col.max(axis=2)

    def backward(self, gy):
        return Pooling2DGrad(self)(gy)


class Pooling2DGrad(Function):
    """gx = gy put back where each window's maximum was: Pooling's backward"""

    def __init__(self, mpool2d):
        self.mpool2d = mpool2d
        self.kernel_size = mpool2d.kernel_size
        self.stride = mpool2d.stride
        self.pad = mpool2d.pad
        self.input_shape = mpool2d.inputs[0].shape
        self.indexes = mpool2d.indexes

    def forward(self, gy):
        xp = cuda.get_array_module(gy)
        N, C, OH, OW = gy.shape
        KH, KW = self.kernel_size
        # True at the maximum's place in each window, (N, C, KH*KW, OH, OW):
        # gy times it is gy at the maximum and 0 elsewhere.
        positions = xp.arange(KH * KW).reshape(1, 1, -1, 1, 1)
        at_max = positions == self.indexes[:, :, np.newaxis]
        gcol = at_max * gy[:, :, np.newaxis]
        gcol = gcol.reshape(N, C, KH, KW, OH, OW)
        # A pixel that is the maximum of several windows gets all their
        # gradients.
        return col2im_array(gcol, self.input_shape, self.kernel_size,
                            self.stride, self.pad, to_matrix=False)

    def backward(self, ggx):
        # Scattering to the maxima is linear; its derivative picks the same
        # elements again.
        return Pooling2DWithIndexes(self.mpool2d)(ggx)


class Pooling2DWithIndexes(Function):
    """y = x picked at the maxima that a Pooling found (not x's own maxima)"""

    def __init__(self, mpool2d):
        self.mpool2d = mpool2d
        self.kernel_size = mpool2d.kernel_size
        self.stride = mpool2d.stride
        self.pad = mpool2d.pad
        self.indexes = mpool2d.indexes

    def forward(self, x):
        xp = cuda.get_array_module(x)
        col = im2col_array(x, self.kernel_size, self.stride, self.pad,
                           to_matrix=False)
        N, C, KH, KW, OH, OW = col.shape
        col = col.reshape(N, C, KH * KW, OH, OW)
        picked = xp.take_along_axis(col, self.indexes[:, :, np.newaxis], axis=2)
        return picked[:, :, 0]

    def backward(self, gy):
        return Pooling2DGrad(self.mpool2d)(gy)


def pooling(x, kernel_size, stride=1, pad=0):
    """Max pooling: the largest value of each KH x KW window of x (N, C, H, W).

    Returns (N, C, OH, OW). Note the default stride of 1, as in the book:
    F.pooling(x, 2, 2) halves the image.
    """
    return Pooling(kernel_size, stride, pad)(x)


class AveragePooling(Function):
    """y = the mean of each window of x (the padding counts as zeros)"""

    def __init__(self, kernel_size, stride=1, pad=0):
        super().__init__()
        self.kernel_size, self.stride, self.pad = _window_args(
            "average_pooling", kernel_size, stride, pad)
        self.input_shape = None

    def forward(self, x):
        _check_image("average_pooling", x)
        _out_size("average_pooling", x.shape, self.kernel_size, self.stride,
                  self.pad)
        self.input_shape = x.shape
        col = im2col_array(x, self.kernel_size, self.stride, self.pad,
                           to_matrix=False)
        return col.mean(axis=(2, 3))

    def backward(self, gy):
        # Each of the KH*KW pixels of a window adds 1/(KH*KW) of itself to
        # the mean: spread gy over the window, divided, and add it back.
        N, C, OH, OW = gy.shape
        KH, KW = self.kernel_size
        gcol = broadcast_to(gy.reshape(N, C, 1, 1, OH, OW),
                            (N, C, KH, KW, OH, OW)) / (KH * KW)
        return col2im(gcol, self.input_shape, self.kernel_size, self.stride,
                      self.pad, to_matrix=False)


def average_pooling(x, kernel_size, stride=1, pad=0):
    """Average pooling: the mean of each KH x KW window of x (N, C, H, W)."""
    return AveragePooling(kernel_size, stride, pad)(x)
