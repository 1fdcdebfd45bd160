"""DeZero's functions: the ones that are not operators on Variable.

Square, Exp, Sin and Cos move here from the core, as in the book's final
package, where they are used as `import dezero.functions as F` and
F.sin(x). Each backward() computes with Variables and these same functions,
so that backward(create_graph=True) can differentiate it again.
"""

import numpy as np

from dezero.core import Function, as_variable


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
        return np.exp(x)

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
        return np.sin(x)

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
        return np.cos(x)

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
        return np.tanh(x)

    def backward(self, gy):
        # d tanh(x) / dx = 1 - tanh(x) ** 2 = 1 - y * y: the output gives it.
        y = self.outputs[0]()  # a weak reference
        return gy * (1 - y * y)


def tanh(x):
    """y = tanh(x), without having to create a Tanh first."""
    return Tanh()(x)


# --- Functions on tensors -----------------------------------------------------
#
# These change how the elements are arranged, not their values: the gradient
# of each element is passed back to where that element came from.


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
