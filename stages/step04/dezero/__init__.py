"""DeZero as it stands after step 04: Numerical differentiation.

Adds numerical_diff, the central-difference approximation of a derivative.
It is simple and works for any function, but it is slow and inexact, so
later steps use it only to check the gradients that backpropagation gives.
"""

import numpy as np

__step__ = 4


class Variable:
    """A box holding a piece of data."""

    def __init__(self, data):
        # Keep the very object we were given: no copy, so x.data is data.
        self.data = data


class Function:
    """Base class: Variable in, Variable out; subclasses supply forward()."""

    def __call__(self, input):
        x = input.data
        y = self.forward(x)
        output = Variable(y)
        return output

    def forward(self, x):
        # Every concrete function must say how it computes its output.
        raise NotImplementedError(
            f"{type(self).__name__}.forward is not implemented")


class Square(Function):
    """y = x ** 2"""

    def forward(self, x):
        return x ** 2


class Exp(Function):
    """y = e ** x"""

    def forward(self, x):
        return np.exp(x)


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
