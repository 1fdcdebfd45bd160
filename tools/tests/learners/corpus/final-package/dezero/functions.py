"""DeZero's functions: the ones that are not operators on Variable.

Square, Exp, Sin and Cos move here from the core, as in the book's final
package, where they are used as `import dezero.functions as F` and
F.sin(x). Each backward() computes with Variables and these same functions,
so that backward(create_graph=True) can differentiate it again.

From step 52 every forward() computes with xp = cuda.get_array_module(x),
numpy or CuPy, whichever x's array belongs to: the same function runs on
the CPU and on the GPU. From step 57 the convolution and pooling functions
of dezero/functions_conv.py are offered here too (F.conv2d, F.pooling, ...).
"""

import numpy as np

from dezero import cuda, utils
from dezero.core import Config, Function, Variable, as_array, as_variable


class Square(Function):
    """y = x ** 2"""

    def forward(self, x):
        return x ** 2

    def backward(self, gy):
        x = self.inputs[0]
        return 2 * x * gy


def square(x):
    """y = x ** 2, without having to create a Square first."""
    return Square()(x)


class Exp(Function):
    """y = e ** x"""

    def forward(self, x):
        xp = cuda.get_array_module(x)
        return xp.exp(x)

    def backward(self, gy):
        # e ** x is its own derivative: reuse the output, not recompute it.
        y = self.outputs[0]()  # a weak reference
        return y * gy


def exp(x):
    """y = e ** x, without having to create an Exp first."""
    return Exp()(x)


class Sin(Function):
    """y = sin(x)"""

    def forward(self, x):
        xp = cuda.get_array_module(x)
        return xp.sin(x)

    def backward(self, gy):
        # d sin(x) / dx = cos(x)
        x = self.inputs[0]
        return gy * cos(x)


def sin(x):
    """y = sin(x), without having to create a Sin first."""
    return Sin()(x)


class Cos(Function):
    """y = cos(x)"""

    def forward(self, x):
        xp = cuda.get_array_module(x)
        return xp.cos(x)

    def backward(self, gy):
        # d cos(x) / dx = -sin(x)
        x = self.inputs[0]
        return gy * -sin(x)


def cos(x):
    """y = cos(x), without having to create a Cos first."""
    return Cos()(x)


class Tanh(Function):
    """y = tanh(x)"""

    def forward(self, x):
        xp = cuda.get_array_module(x)
        return xp.tanh(x)

    def backward(self, gy):
        # d tanh(x) / dx = 1 - tanh(x) ** 2 = 1 - y * y: the output gives it.
        y = self.outputs[0]()  # a weak reference
        return gy * (1 - y * y)


def tanh(x):
    """y = tanh(x), without having to create a Tanh first."""
    return Tanh()(x)


class Log(Function):
    """y = log(x), the natural logarithm"""

    def forward(self, x):
        xp = cuda.get_array_module(x)
        return xp.log(x)

    def backward(self, gy):
        x = self.inputs[0]
        return gy / x


def log(x):
    """y = log(x), without having to create a Log first."""
    return Log()(x)


class Clip(Function):
    """y = x limited to [x_min, x_max]"""

    def __init__(self, x_min, x_max):
        self.x_min = x_min
        self.x_max = x_max

    def forward(self, x):
        xp = cuda.get_array_module(x)
        return xp.clip(x, self.x_min, self.x_max)

    def backward(self, gy):
        # Where x was inside the range y = x (gradient 1); where it was cut
        # off, y is a constant (gradient 0).
        x = self.inputs[0]
        mask = (x.data >= self.x_min) & (x.data <= self.x_max)
        return gy * mask


def clip(x, x_min, x_max):
    """y = x limited to [x_min, x_max]"""
    return Clip(x_min, x_max)(x)


# --- max / min ---------------------------------------------------------------------


class Max(Function):
    """y = the largest element of x: of all, or along the given axes"""

    def __init__(self, axis=None, keepdims=False):
        self.axis = tuple(axis) if isinstance(axis, list) else axis
        self.keepdims = keepdims

    def forward(self, x):
        return x.max(axis=self.axis, keepdims=self.keepdims)

    def backward(self, gy):
        x = self.inputs[0]
        y = self.outputs[0]()  # a weak reference
        # Put the reduced axes back as length 1, so that y and gy line up
        # with x; the gradient goes to the elements equal to their maximum
        # (to each of them, if several are equal).
        gy = utils.reshape_sum_backward(gy, x.shape, self.axis, self.keepdims)
        y = utils.reshape_sum_backward(y, x.shape, self.axis, self.keepdims)
        cond = x.data == y.data
        return broadcast_to(gy, x.shape) * cond


class Min(Max):
    """y = the smallest element of x: of all, or along the given axes"""

    def forward(self, x):
        return x.min(axis=self.axis, keepdims=self.keepdims)


def max(x, axis=None, keepdims=False):
    """y = the largest element of x, or along axis (an int or a tuple)."""
    return Max(axis, keepdims)(x)


def min(x, axis=None, keepdims=False):
    """y = the smallest element of x, or along axis (an int or a tuple)."""
    return Min(axis, keepdims)(x)


# --- Functions on tensors -----------------------------------------------------
#
# These change how the elements are arranged, not their values: the gradient
# of each element is passed back to where that element came from.


class Sum(Function):
    """y = the sum of x's elements: all of them, or along the given axes"""

    def __init__(self, axis=None, keepdims=False):
        # A list of axes is taken as a tuple, which is what numpy needs.
        self.axis = tuple(axis) if isinstance(axis, list) else axis
        self.keepdims = keepdims

    def forward(self, x):
        # backward() needs the shape that the elements were summed from.
        self.x_shape = x.shape
        try:
            return x.sum(axis=self.axis, keepdims=self.keepdims)
        except TypeError:
            raise TypeError(f"sum: axis must be None, an int or a tuple of "
                            f"ints, got {self.axis!r}") from None
        except ValueError as err:
            # numpy's AxisError (a ValueError): out of range or repeated.
            raise ValueError(f"sum: cannot sum shape {x.shape} over axis "
                             f"{self.axis}: {err}") from None

    def backward(self, gy):
        # Each element of x adds into exactly one element of y, with
        # derivative 1, so its gradient is the gradient of that element of y.
        # First give gy back the summed axes, as length 1 ...
        gy = utils.reshape_sum_backward(gy, self.x_shape, self.axis,
                                        self.keepdims)
        # ... then copy it along them to every element. broadcast_to's own
        # backward sums, so this gradient can be differentiated again.
        return broadcast_to(gy, self.x_shape)


def sum(x, axis=None, keepdims=False):
    """y = the sum of x's elements along axis (an int, a tuple, or None for all).

    keepdims=True keeps the summed axes as length 1, as in numpy.
    """
    return Sum(axis, keepdims)(x)


def average(x, axis=None, keepdims=False):
    """y = the mean of x's elements: of all of them, or along axis.

    The sum times the share of x's elements that each result stands for
    (y.size / x.size), as the book writes it: multiplying by that fraction
    and dividing by its inverse can differ in the last digit, and a program
    written for the book's package should get the book's numbers.
    """
    x = as_variable(x)
    y = sum(x, axis=axis, keepdims=keepdims)
    return y * (y.data.size / x.data.size)


# The book's package calls it mean as well.
mean = average


def _as_shape(shape, name):
    """shape as a tuple of ints: reshape(x, 6) and reshape(x, [2, 3]) work too."""
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    try:
        return tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: shape must be an int or a sequence of ints, "
                        f"got {shape!r}") from None


class Reshape(Function):
    """y = x with its elements arranged in the given shape"""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        # The gradient must be put back into the shape x had.
        self.x_shape = x.shape
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape shape {x.shape} ({x.size} elements) "
                f"to {self.shape}") from None

    def backward(self, gy):
        # Reshaping moves no element, so each gradient goes back unchanged,
        # only arranged in x's shape again.
        return reshape(gy, self.x_shape)


def reshape(x, shape):
    """y = x arranged in shape (a tuple; -1 stands for the rest, as in numpy)."""
    shape = _as_shape(shape, "reshape")
    if x.shape == shape:
        # Nothing to do: return x itself rather than record a no-op function.
        return as_variable(x)
    return Reshape(shape)(x)


def expand_dims(x, axis):
    """y = x with a new axis of length 1 at position axis."""
    x = as_variable(x)
    shape = list(x.shape)
    shape.insert(axis, 1)
    return reshape(x, tuple(shape))


def flatten(x):
    """y = x as (N, everything else): each example one row, as Linear wants."""
    x = as_variable(x)
    return reshape(x, (x.shape[0], -1))


def _check_axes(axes, shape):
    """axes as a tuple of non-negative ints that reorders the axes of shape."""
    ndim = len(shape)
    try:
        axes = tuple(int(a) for a in axes)
    except (TypeError, ValueError):
        raise TypeError("transpose: axes must be a sequence of ints, "
                        f"got {axes!r}") from None
    # Negative axes count from the end, as in numpy; -1 is the last axis.
    normalised = tuple(a + ndim if a < 0 else a for a in axes)
    if sorted(normalised) != list(range(ndim)):
        raise ValueError(f"transpose: axes {axes} do not name each axis of "
                         f"shape {shape} exactly once")
    return normalised


class Transpose(Function):
    """y = x with its axes reordered: reversed by default, as x.T does"""

    def __init__(self, axes=None):
        self.axes = axes

    def forward(self, x):
        if self.axes is not None:
            self.axes = _check_axes(self.axes, x.shape)
        return x.transpose(self.axes)

    def backward(self, gy):
        if self.axes is None:
            # Reversing the axes twice restores them.
            return transpose(gy)
        # Axis axes[i] of x became axis i of y. Undo it with the inverse
        # order, in which position axes[i] holds i: argsort gives exactly that.
        inverse = tuple(int(i) for i in np.argsort(self.axes))
        return transpose(gy, inverse)


def transpose(x, axes=None):
    """y = x with its axes reversed, or in the order that axes gives."""
    return Transpose(axes)(x)


class BroadcastTo(Function):
    """y = x broadcast to the given shape: copied along new or length-1 axes"""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        xp = cuda.get_array_module(x)
        try:
            y = xp.broadcast_to(x, self.shape)
        except ValueError:
            raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} "
                             f"to {self.shape}") from None
        # numpy gives a read-only view, whose copies all share x's memory.
        # y is often a gradient (Sum's backward), and code that updates a
        # gradient in place (grad.data *= 0.5) needs an array of its own.
        return y.copy()

    def backward(self, gy):
        # Each element of x was copied to several places of y, so its gradient
        # is the sum of theirs: sum_to undoes broadcast_to.
        return sum_to(gy, self.x_shape)


def broadcast_to(x, shape):
    """y = x broadcast to shape: its elements repeated, as numpy would."""
    shape = _as_shape(shape, "broadcast_to")
    if x.shape == shape:
        return as_variable(x)
    return BroadcastTo(shape)(x)


class SumTo(Function):
    """y = x summed down to the given shape, undoing a broadcast to x's shape"""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return utils.sum_to(x, self.shape)

    def backward(self, gy):
        # Each element of y is a sum of elements of x, each with derivative
        # 1: every one of them gets y's gradient, copied back by broadcast_to.
        return broadcast_to(gy, self.x_shape)


def sum_to(x, shape):
    """y = x summed to shape, the shape x would have been broadcast from."""
    shape = _as_shape(shape, "sum_to")
    if x.shape == shape:
        return as_variable(x)
    return SumTo(shape)(x)


class GetItem(Function):
    """y = x[slices]: an element, a row, a slice or a fancy index of x"""

    def __init__(self, slices):
        # slices is whatever goes between the brackets: 1, (0, 2),
        # np.array([0, 0, 1]), slice(None, 2), ... It is not an input.
        self.slices = slices

    def forward(self, x):
        try:
            return x[self.slices]
        except IndexError as e:
            raise IndexError(f"get_item: {e}") from e

    def backward(self, gy):
        # Each element of y came from one element of x: its gradient goes
        # back to that element; the elements not picked get zero.
        x = self.inputs[0]
        return GetItemGrad(self.slices, x.shape)(gy)


class GetItemGrad(Function):
    """gx = zeros of x's shape with gy added at x[slices]: GetItem's backward"""

    def __init__(self, slices, in_shape):
        self.slices = slices
        self.in_shape = in_shape

    def forward(self, gy):
        xp = cuda.get_array_module(gy)
        gx = xp.zeros(self.in_shape, dtype=gy.dtype)
        # np.add.at, not gx[slices] += gy: an index picked twice, as in
        # x[[0, 0, 1]], must receive both gradients, and += keeps only one.
        # CuPy spells it cupyx.scatter_add.
        if xp is np:
            np.add.at(gx, self.slices, gy)
        else:
            cuda.cupyx.scatter_add(gx, self.slices, gy)
        return gx

    def backward(self, ggx):
        # Scattering is linear; its derivative picks the same elements again.
        return get_item(ggx, self.slices)


def get_item(x, slices):
    """y = x[slices], with a gradient. Variable.__getitem__ calls this, so x[1] works."""
    # as the book: variable-index (an index held in a Variable is passed to
    # NumPy as it is)
    return GetItem(slices)(x)


# --- Matrix product -----------------------------------------------------------


def _check_matmul_shapes(name, x, W):
    """Raise ValueError unless x and W are matrices that can be multiplied."""
    # Only matrices: the gradients below are the matrix ones, and numpy's
    # dot gives other meanings to vectors and to arrays of more dimensions.
    if x.ndim != 2 or W.ndim != 2:
        raise ValueError(f"{name}: needs two matrices (2-D arrays), got "
                         f"shapes {x.shape} and {W.shape}")
    if x.shape[1] != W.shape[0]:
        raise ValueError(f"{name}: shapes {x.shape} and {W.shape} are not "
                         f"aligned: {x.shape[1]} (dim 1) != {W.shape[0]} (dim 0)")


class MatMul(Function):
    """y = x W, the matrix product of x of shape (N, D) and W of shape (D, H)"""

    def forward(self, x, W):
        _check_matmul_shapes("matmul", x, W)
        return x.dot(W)

    def backward(self, gy):
        # y[n, h] = sum over d of x[n, d] W[d, h], so
        # dL/dx[n, d] = sum over h of gy[n, h] W[d, h]: gy times W transposed,
        # dL/dW[d, h] = sum over n of x[n, d] gy[n, h]: x transposed times gy.
        # The shapes check it: (N, H)(H, D) is x's (N, D); (D, N)(N, H) is W's.
        x, W = self.inputs
        gx = matmul(gy, W.T)
        gW = matmul(x.T, gy)
        return gx, gW


def matmul(x, W):
    """y = x W, the matrix product, without having to create a MatMul first."""
    return MatMul()(x, W)


# --- Neural network functions ----------------------------------------------------


def linear_simple(x, W, b=None):
    """y = x W + b, the linear transformation, from matmul and +."""
    t = matmul(x, W)
    if b is None:
        return t
    y = t + b
    # Nothing needs t's values any more: the backward of + uses only the
    # gradient, and matmul's backward uses its inputs, not its output. Drop
    # them now rather than keep an (N, H) array alive until the graph goes.
    t.data = None
    return y


class Linear(Function):
    """y = x W + b as one Function: x (N, D), W (D, H), b (H,) or none"""

    def forward(self, x, W, b=None):
        _check_matmul_shapes("linear", x, W)
        y = x.dot(W)
        if b is not None:
            # b is added to every row: it must broadcast to y's shape.
            if _broadcast_shape(b.shape, y.shape) != y.shape:
                raise ValueError(f"linear: bias of shape {b.shape} does not "
                                 f"fit the output of shape {y.shape}")
            y = y + b
        return y

    def backward(self, gy):
        # The gradients of x W as in MatMul; b was broadcast to every row,
        # so its gradient is gy summed back to b's shape.
        x, W = self.inputs[0], self.inputs[1]
        gx = matmul(gy, W.T)
        gW = matmul(x.T, gy)
        if len(self.inputs) == 2:
            return gx, gW
        b = self.inputs[2]
        gb = sum_to(gy, b.shape)
        return gx, gW, gb


def linear(x, W, b=None):
    """y = x W + b, the linear transformation, without creating a Linear first."""
    # Without a bias, Linear gets two inputs and returns two gradients.
    if b is None:
        return Linear()(x, W)
    return Linear()(x, W, b)


def _broadcast_shape(shape0, shape1):
    """The shape that numpy broadcasts shape0 and shape1 to, or None if none."""
    try:
        return np.broadcast_shapes(shape0, shape1)
    except ValueError:
        return None


def sigmoid_simple(x):
    """y = 1 / (1 + exp(-x)), the sigmoid, from functions DeZero has."""
    x = as_variable(x)
    return 1 / (1 + exp(-x))


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x)), the sigmoid, as one Function"""

    def forward(self, x):
        # The same value as 1 / (1 + exp(-x)), written with tanh: exp(-x)
        # overflows (with a warning) for large negative x, tanh never does.
        # 0.5 is taken in x's float dtype (float64 for integer x): NumPy 1.x
        # would compute a 0-d float32 array times the Python float 0.5 in
        # float64.
        half = np.result_type(x.dtype, 0.5).type(0.5)
        xp = cuda.get_array_module(x)
        return xp.tanh(x * half) * half + half

    def backward(self, gy):
        # The sigmoid's derivative is y (1 - y): the output gives it.
        y = self.outputs[0]()  # a weak reference
        return gy * y * (1 - y)


def sigmoid(x):
    """y = 1 / (1 + exp(-x)), without having to create a Sigmoid first."""
    return Sigmoid()(x)


class ReLU(Function):
    """y = max(x, 0)"""

    def forward(self, x):
        # 0.0, a Python number, takes x's dtype: float32 stays float32.
        xp = cuda.get_array_module(x)
        return xp.maximum(x, 0.0)

    def backward(self, gy):
        # Gradient 1 where x > 0, else 0.
        x = self.inputs[0]
        mask = x.data > 0
        return gy * mask


def relu(x):
    """y = max(x, 0), the rectified linear unit."""
    return ReLU()(x)


class LeakyReLU(Function):
    """y = x where x > 0, else slope * x"""

    def __init__(self, slope):
        self.slope = slope

    def forward(self, x):
        xp = cuda.get_array_module(x)
        # slope is a Python number: float32 x stays float32.
        return xp.where(x > 0, x, x * self.slope)

    def backward(self, gy):
        # Gradient 1 where x > 0, slope elsewhere: a small gradient still
        # flows where ReLU would pass none.
        x = self.inputs[0]
        xp = cuda.get_array_module(x)
        # as the book: leaky-relu-0d (for a 0-d x the mask is a NumPy scalar,
        # which the assignment below cannot write into)
        mask = (x.data > 0).astype(gy.dtype)
        mask[mask <= 0] = self.slope
        return gy * mask


def leaky_relu(x, slope=0.2):
    """y = x where x > 0, else slope * x (the leaky ReLU)."""
    return LeakyReLU(slope)(x)


def softmax_simple(x, axis=1):
    """Softmax from exp and sum: exp(x) / sum(exp(x)) along axis.

    Easy to follow, and its gradient comes from the functions it is made
    of, but exp overflows for large x: softmax() below is the one to use.
    """
    x = as_variable(x)
    y = exp(x)
    sum_y = sum(y, axis=axis, keepdims=True)
    return y / sum_y


class Softmax(Function):
    """y = exp(x) / sum(exp(x)) along axis: scores turned into probabilities"""

    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, x):
        # Softmax does not change when a constant is subtracted along the
        # axis; subtracting the maximum keeps exp from overflowing.
        xp = cuda.get_array_module(x)
        y = xp.exp(x - x.max(axis=self.axis, keepdims=True))
        y /= y.sum(axis=self.axis, keepdims=True)
        return y

    def backward(self, gy):
        # dy_i/dx_j = y_i (delta_ij - y_j), so gx = y * gy - y * sum(y * gy).
        y = self.outputs[0]()  # a weak reference
        gx = y * gy
        sum_gx = sum(gx, axis=self.axis, keepdims=True)
        return gx - y * sum_gx


def softmax(x, axis=1):
    """y = softmax of x along axis (numerically stable)."""
    return Softmax(axis)(x)


class LogSoftmax(Function):
    """y = log(softmax(x)) along axis, computed stably as x - logsumexp(x)"""

    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, x):
        return x - utils.logsumexp(x, self.axis)

    def backward(self, gy):
        # dy_i/dx_j = delta_ij - softmax(x)_j, and softmax(x) = exp(y):
        # gx = gy - exp(y) * sum(gy).
        y = self.outputs[0]()  # a weak reference
        return gy - exp(y) * sum(gy, axis=self.axis, keepdims=True)


def log_softmax(x, axis=1):
    """y = log(softmax(x)) along axis, without overflow for large scores."""
    return LogSoftmax(axis)(x)


def dropout(x, dropout_ratio=0.5):
    """y = x with each element dropped (set to 0) with probability dropout_ratio.

    Only while training (Config.train, the default). The elements kept are
    divided by 1 - dropout_ratio ("inverted dropout"), so that each output
    has the expected value of its input and test mode need not rescale:
    under test_mode() x is returned as it is.
    """
    if not 0 <= dropout_ratio < 1:
        # 1 would drop everything and then divide by zero.
        raise ValueError(
            f"dropout: dropout_ratio must be in [0, 1), got {dropout_ratio!r}")
    x = as_variable(x)
    if not np.issubdtype(x.dtype, np.floating):
        # The scale below, cast to an integer dtype, would be 0.
        raise TypeError(f"dropout: x must hold floats, got {x.dtype}")
    if not Config.train:
        return x
    xp = cuda.get_array_module(x)
    # One uniform number per element, drawn anew at each call: a different
    # random subnetwork is trained on every batch.
    mask = xp.random.rand(*x.shape) > dropout_ratio
    # 1 - ratio in x's dtype: a float64 scale would make float32 data float64.
    scale = xp.array(1.0 - dropout_ratio).astype(x.dtype)
    # Built from * and /, so the gradient needs no code of its own: it is
    # gy * mask / scale, zero where an element was dropped.
    return x * mask / scale


def embed_id(x, W):
    """y = the rows of W that the integers x pick: W[x] (word vectors)."""
    return W[x]


class BatchNorm(Function):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta, feature by feature

    x is (N, D), or (N, C, H, W) images, whose features are the C channels
    (each pixel of each image is an example of its channel). While training
    (Config.train) mean and var are the batch's own, and the running
    averages avg_mean and avg_var, arrays held by the caller, are updated in
    place; in test mode those averages are used instead.
    """

    def __init__(self, mean, var, decay, eps):
        self.avg_mean = mean
        self.avg_var = var
        self.decay = decay
        self.eps = eps
        self.inv_std = None

    def forward(self, x, gamma, beta):
        if x.ndim not in (2, 4):
            raise ValueError("batch_norm: x must be 2-D (N, D) or 4-D (N, C, H, W), "
                             f"got shape {x.shape}")
        D = x.shape[1]
        for name, a in (("gamma", gamma), ("beta", beta), ("the running mean",
                        self.avg_mean), ("the running variance", self.avg_var)):
            if a.shape != (D,):
                raise ValueError(f"batch_norm: {name} has shape {a.shape}, "
                                 f"expected ({D},) for x of shape {x.shape}")
        x_ndim = x.ndim
        if x_ndim == 4:
            N, C, H, W = x.shape
            # (N, C, H, W) -> (N*H*W, C): one row per pixel.
            x = x.transpose(0, 2, 3, 1).reshape(-1, C)

        xp = cuda.get_array_module(x)
        # Remembered for backward: which statistics y was computed with.
        self.train = Config.train
        if self.train:
            mean = x.mean(axis=0)
            var = x.var(axis=0)
            inv_std = 1 / xp.sqrt(var + self.eps)
            xc = (x - mean) * inv_std

            # The running variance is the unbiased estimate: var * m / (m - 1)
            # for the m examples of each feature.
            m = x.size // gamma.size
            s = m - 1. if m - 1. > 1. else 1.
            adjust = m / s
            self.avg_mean *= self.decay
            self.avg_mean += (1 - self.decay) * mean
            self.avg_var *= self.decay
            self.avg_var += (1 - self.decay) * adjust * var
        else:
            inv_std = 1 / xp.sqrt(self.avg_var + self.eps)
            xc = (x - self.avg_mean) * inv_std
        self.inv_std = inv_std
        y = gamma * xc + beta

        if x_ndim == 4:
            # (N*H*W, C) -> (N, C, H, W)
            y = y.reshape(N, H, W, C).transpose(0, 3, 1, 2)
        return y

    def backward(self, gy):
        gy_ndim = gy.ndim
        if gy_ndim == 4:
            N, C, H, W = gy.shape
            gy = gy.transpose(0, 2, 3, 1).reshape(-1, C)

        x, gamma, beta = self.inputs
        batch_size = len(gy)
        if x.ndim == 4:
            x = x.transpose(0, 2, 3, 1).reshape(-1, C)

        if self.train:
            mean = x.sum(axis=0) / batch_size
        else:
            mean = self.avg_mean
        xc = (x - mean) * self.inv_std

        gbeta = sum(gy, axis=0)
        ggamma = sum(xc * gy, axis=0)
        if self.train:
            # The batch's mean and variance depend on every x too: their
            # share takes the mean of gy and of xc * gy out.
            gx = gy - gbeta / batch_size - xc * ggamma / batch_size
            gx = gx * (gamma * self.inv_std)
        else:
            # In test mode mean and variance are constants.
            gx = gy * (gamma * self.inv_std)

        if gy_ndim == 4:
            gx = gx.reshape(N, H, W, C).transpose(0, 3, 1, 2)
        return gx, ggamma, gbeta


def batch_norm(x, gamma, beta, mean, var, decay=0.9, eps=2e-5):
    """Batch normalisation: each feature of x brought to mean 0 and variance 1,
    then scaled by gamma and shifted by beta.

    mean and var are the running averages (arrays, updated in place while
    training, used in test mode); decay is how much of them each batch keeps.
    """
    return BatchNorm(mean, var, decay, eps)(x, gamma, beta)


# The book's package spells it so; programs written for it call this name.
batch_nrom = batch_norm


# --- Loss functions -------------------------------------------------------------


def _check_mse_shapes(name, x0, x1):
    """Raise ValueError unless x0 and x1 can be compared element by element.

    The shapes may differ only where numpy broadcasts one to the other's
    shape. Shapes (100, 1) and (100,) would broadcast to (100, 100), each
    element of one against every element of the other: a silent mistake, so
    it is refused.
    """
    try:
        shape = np.broadcast_shapes(x0.shape, x1.shape)
    except ValueError:
        raise ValueError(f"{name}: shapes {x0.shape} and "
                         f"{x1.shape} do not match") from None
    if shape != x0.shape and shape != x1.shape:
        raise ValueError(f"{name}: shapes {x0.shape} and "
                         f"{x1.shape} would broadcast to {shape}, comparing "
                         "every element of one with every element of the "
                         "other; reshape one of them to the other's shape")
    if len(shape) == 0:
        raise ValueError(f"{name}: needs data with a first axis "
                         "(one row per example) to average over; got 0-d")


def mean_squared_error_simple(x0, x1):
    """The mean squared error, built from functions DeZero already has.

    The sum of the squared differences, divided by the number of examples
    (the length of the first axis). Every step is recorded in the graph,
    intermediate values included; mean_squared_error does the same work as
    one Function.
    """
    x0, x1 = as_variable(x0), as_variable(x1)
    _check_mse_shapes("mean_squared_error_simple", x0, x1)
    diff = x0 - x1
    return sum(diff ** 2) / len(diff)


class MeanSquaredError(Function):
    """y = sum((x0 - x1) ** 2) / N, N the length of the first axis"""

    def forward(self, x0, x1):
        _check_mse_shapes("mean_squared_error", x0, x1)
        diff = x0 - x1
        # N as a number of the result's float dtype (float32 for float32
        # data): NumPy 1.x would divide the float32 sum, a numpy scalar, by
        # the Python int len(diff) in float64.
        n = np.result_type(diff.dtype, 1.0).type(len(diff))
        return (diff ** 2).sum() / n

    def backward(self, gy):
        # dy/d diff = 2 diff / N, and diff = x0 - x1 passes it to x0 with
        # sign + and to x1 with sign -.
        x0, x1 = self.inputs
        diff = x0 - x1
        # 2.0 / len(diff) is a Python float: numpy keeps float32 data float32
        # next to it, where a numpy float64 would promote it.
        gdiff = gy * diff * (2.0 / len(diff))
        # If one input was broadcast to the other's shape, sum its gradient
        # back to its own shape, as the operators do.
        gx0 = sum_to(gdiff, x0.shape)
        gx1 = sum_to(-gdiff, x1.shape)
        return gx0, gx1


def mean_squared_error(x0, x1):
    """y = sum((x0 - x1) ** 2) / N, the loss of regression, N examples."""
    return MeanSquaredError()(x0, x1)


def _check_labels(name, x, t):
    """Raise a clear error unless t holds one class index per row of x.

    Without this a label of -1 would silently pick the last class, and a
    float label would fail deep inside numpy's indexing.
    """
    if x.ndim != 2:
        raise ValueError(
            f"{name}: scores must be 2-D (batch, classes), got shape {x.shape}")
    N, C = x.shape
    if not np.issubdtype(t.dtype, np.integer):
        raise TypeError(f"{name}: labels must be integers, got {t.dtype}")
    if t.size != N:
        raise ValueError(
            f"{name}: {t.size} labels for a batch of {N} rows")
    bad = t[(t < 0) | (t >= C)]
    if bad.size:
        # int(): a cupy array has no .flat, and its element is a 0-d array.
        raise ValueError(
            f"{name}: label {int(bad.ravel()[0])} out of range for {C} classes")


def softmax_cross_entropy_simple(x, t):
    """Mean cross entropy of softmax(x) against labels t, from basic functions.

    x: scores (N, C); t: the correct class of each row, N integers.
    """
    x, t = as_variable(x), as_variable(t)
    _check_labels("softmax_cross_entropy_simple", x.data, t.data)
    N = x.shape[0]
    p = softmax(x)
    # log(0) is -inf: keep probabilities away from zero.
    p = clip(p, 1e-15, 1.0)
    log_p = log(p)
    # For each row, the log-probability of its correct class.
    xp = cuda.get_array_module(t)
    tlog_p = log_p[xp.arange(N), t.data.ravel()]
    return -1 * sum(tlog_p) / N


class SoftmaxCrossEntropy(Function):
    """y = mean over the batch of -log softmax(x)[t]; one Function, stable"""

    def forward(self, x, t):
        _check_labels("softmax_cross_entropy", x, t)
        N = x.shape[0]
        # log softmax(x) = x - log(sum(exp(x))). logsumexp subtracts the
        # maximum first, so scores of 1000 give finite numbers instead of
        # exp overflowing to inf.
        log_p = x - utils.logsumexp(x, axis=1)
        xp = cuda.get_array_module(x)
        log_p = log_p[xp.arange(N), t.ravel()]
        # N in x's dtype: on NumPy 1.x a float32 scalar divided by a
        # Python int is float64.
        return -log_p.sum() / x.dtype.type(N)

    def backward(self, gy):
        x, t = self.inputs
        N, C = x.shape
        # The loss is a mean over N rows: each row's share is 1 / N.
        gy = gy * (1 / N)
        y = softmax(x)
        # The one-hot rows of the labels, in the scores' dtype: an integer
        # one-hot would promote float32 gradients to float64.
        xp = cuda.get_array_module(t)
        t_onehot = xp.eye(C, dtype=x.dtype)[t.data.ravel()]
        # d loss / dx = (softmax(x) - onehot(t)) / N. The labels get no
        # gradient: only x's is returned.
        return (y - t_onehot) * gy


def softmax_cross_entropy(x, t):
    """Mean cross entropy of softmax(x) against labels t (stable, fast).

    x: scores (N, C), any size (1000 does not overflow); t: the correct
    class of each row, N integers in [0, C).
    """
    return SoftmaxCrossEntropy()(x, t)


def _labels_like(t, x, name):
    """t as a Variable shaped like x, in x's float dtype if it held integers.

    Integer (or bool) labels times float32 probabilities would compute in
    float64; the labels get no gradient, so converting them is safe.
    """
    t = as_variable(t)
    if t.ndim != x.ndim:
        t = t.reshape(*x.shape)
    if t.shape != x.shape:
        raise ValueError(f"{name}: labels of shape {t.shape} for scores of "
                         f"shape {x.shape}")
    if not np.issubdtype(t.dtype, np.floating):
        t = Variable(t.data.astype(x.dtype))
    return t


def sigmoid_cross_entropy(x, t):
    """Mean binary cross entropy of sigmoid(x) against labels t (0 or 1).

    x: scores (N,) or (N, 1), one per example; t: the labels, as many.
    """
    x = as_variable(x)
    t = _labels_like(t, x, "sigmoid_cross_entropy")
    N = len(x)
    p = sigmoid(x)
    p = clip(p, 1e-15, 1.0)
    # 1 - p is clipped too: the book's clipped only p, so a sigmoid that
    # rounds to 1 (x > 17 in float32) gave log(0) and a loss of nan.
    tlog_p = t * log(p) + (1 - t) * log(clip(1 - p, 1e-15, 1.0))
    return -1 * sum(tlog_p) / N


def binary_cross_entropy(p, t):
    """Mean binary cross entropy of probabilities p against labels t (0 or 1)."""
    p = as_variable(p)
    t = _labels_like(t, p, "binary_cross_entropy")
    N = len(t)
    p = clip(p, 1e-15, 0.999)
    tlog_p = t * log(p) + (1 - t) * log(1 - p)
    return -1 * sum(tlog_p) / N


# --- Measures that are watched, not differentiated ------------------------------


def accuracy(y, t):
    """The share of rows of y whose largest score is at the label t.

    Returns a Variable, but no graph: accuracy has no useful gradient (it
    changes in jumps), and is only watched, never minimised.
    """
    y, t = as_variable(y), as_variable(t)
    if y.ndim != 2:
        raise ValueError(
            f"accuracy: scores must be 2-D (batch, classes), got shape {y.shape}")
    if t.size != y.shape[0]:
        raise ValueError(
            f"accuracy: {t.size} labels for a batch of {y.shape[0]} rows")
    pred = y.data.argmax(axis=1).reshape(t.shape)
    result = (pred == t.data)
    acc = result.mean()
    return Variable(as_array(acc))


# --- Convolution and pooling -------------------------------------------------------
#
# They live in functions_conv.py, as in the book's package, and are offered
# here, so that F.conv2d(x, W) works. Imported last: functions_conv.py
# itself takes linear and broadcast_to from this module.

from dezero.functions_conv import (  # noqa: E402, F401
    average_pooling, col2im, conv2d, conv2d_simple, deconv2d, im2col,
    pooling, pooling_simple,
)

# The operators as functions, F.add(a, b) and so on, as the book's package
# offers them.
from dezero.core import add, div, mul, neg, pow, rsub, sub  # noqa: E402, F401
