"""DeZero as it stands after step 06: Manual backpropagation.

A Variable now also holds its gradient, and every Function remembers its
input and has a backward() that applies its local derivative. Calling the
backward methods by hand, in reverse order, gives the chain rule's result.
"""

import numpy as np

__step__ = 6


class Variable:
    """A box holding a piece of data and, after backprop, its gradient."""

    def __init__(self, data):
        # Keep the very object we were given: no copy, so x.data is data.
        self.data = data
        # No gradient until backpropagation computes one.
        self.grad = None


class Function:
    """Base class: Variable in, Variable out; subclasses supply forward()."""

    def __call__(self, input):
        x = input.data
        y = self.forward(x)
        output = Variable(y)
        # backward() needs the input value to evaluate the derivative at it.
        self.input = input
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


def numerical_diff(f, x, eps=1e-4):
    """Approximate f'(x) by the central difference (f(x+eps) - f(x-eps)) / 2eps.

    f maps a Variable to a Variable and x is a Variable. The central
    difference is used because its error shrinks like eps**2, much faster
    than the forward difference (f(x+eps) - f(x)) / eps.
    """
    x0 = Variable(x.data - eps)
    x1 = Variable(x.data + eps)
    y0 = f(x0)
    y1 = f(x1)
    return (y1.data - y0.data) / (2 * eps)
