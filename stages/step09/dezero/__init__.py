"""DeZero as it stands after step 09: Friendlier functions.

Adds square() and exp() so code reads like maths, a seed gradient of ones
so y.backward() needs no setup, and a Variable that accepts only numpy
arrays, which catches mistakes early. as_array turns the numpy scalars that
some operations return back into 0-d arrays so that they pass that check.
"""

import numpy as np

__step__ = 9


class Variable:
    """A box holding a piece of data and, after backprop, its gradient."""

    def __init__(self, data):
        # Only ndarrays (or None) are allowed, so every operation can rely on
        # array behaviour; a float or list here is almost always a mistake.
        if data is not None and not isinstance(data, np.ndarray):
            raise TypeError(
                "Variable: data must be a numpy.ndarray (or None), "
                f"got {type(data).__name__}")
        # Keep the very object we were given: no copy, so x.data is data.
        self.data = data
        # No gradient until backpropagation computes one.
        self.grad = None
        # The Function that produced this variable; None for user inputs.
        self.creator = None

    def set_creator(self, func):
        self.creator = func

    def backward(self):
        """Propagate self.grad back to the variables this one came from.

        If self.grad is not set, it starts as ones: dy/dy = 1 for each element.
        """
        if self.grad is None:
            # ones_like keeps the shape and dtype of the data.
            self.grad = np.ones_like(self.data)

        if self.creator is None:
            # A variable made by the user has nothing behind it to visit.
            return

        # Functions still waiting to pass their gradient back.
        funcs = [self.creator]
        while funcs:
            f = funcs.pop()
            x, y = f.input, f.output
            x.grad = f.backward(y.grad)
            if x.creator is not None:
                # Visit x's creator next, going one function further back.
                funcs.append(x.creator)


def as_array(x):
    """Return x as an ndarray: numpy scalars become 0-d arrays."""
    if np.isscalar(x):
        return np.array(x)
    return x


class Function:
    """Base class: Variable in, Variable out; subclasses supply forward()."""

    def __call__(self, input):
        x = input.data
        y = self.forward(x)
        # numpy returns a scalar, not a 0-d array, for some operations on 0-d
        # inputs (x ** 2 is np.float64); wrap it so Variable accepts it.
        output = Variable(as_array(y))
        # The output remembers its creator: this link lets backprop find us.
        output.set_creator(self)
        # backward() needs the input value to evaluate the derivative at it.
        self.input = input
        self.output = output
        return output

    def forward(self, x):
        # Every concrete function must say how it computes its output.
        raise NotImplementedError(
            f"{type(self).__name__}.forward is not implemented")

    def backward(self, gy):
        # Given dL/dy, a concrete function returns dL/dx.
        raise NotImplementedError(
            f"{type(self).__name__}.backward is not implemented")


class Square(Function):
    """y = x ** 2"""

    def forward(self, x):
        return x ** 2

    def backward(self, gy):
        x = self.input.data
        return 2 * x * gy


class Exp(Function):
    """y = e ** x"""

    def forward(self, x):
        return np.exp(x)

    def backward(self, gy):
        x = self.input.data
        return np.exp(x) * gy


def square(x):
    """y = x ** 2, without having to create a Square first."""
    return Square()(x)


def exp(x):
    """y = e ** x, without having to create an Exp first."""
    return Exp()(x)


def numerical_diff(f, x, eps=1e-4):
    """Approximate f'(x) by the central difference (f(x+eps) - f(x-eps)) / 2eps.

    f maps a Variable to a Variable and x is a Variable. The central
    difference is used because its error shrinks like eps**2, much faster
    than the forward difference (f(x+eps) - f(x)) / eps.
    """
    # A 0-d array plus a float is a numpy scalar: as_array makes it an array.
    x0 = Variable(as_array(x.data - eps))
    x1 = Variable(as_array(x.data + eps))
    y0 = f(x0)
    y1 = f(x1)
    return (y1.data - y0.data) / (2 * eps)
