"""DeZero as it stands after step 08: From recursion to a loop.

Variable.backward() now walks the graph with a loop over a list of pending
functions instead of recursing. The result is the same, but a long chain no
longer runs into Python's recursion limit, and the loop is easier to extend.
"""

import numpy as np

__step__ = 8


class Variable:
    """A box holding a piece of data and, after backprop, its gradient."""

    def __init__(self, data):
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

        The caller sets self.grad first (e.g. y.grad = np.array(1.0)).
        """
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


class Function:
    """Base class: Variable in, Variable out; subclasses supply forward()."""

    def __call__(self, input):
        x = input.data
        y = self.forward(x)
        output = Variable(y)
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
