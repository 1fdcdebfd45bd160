"""DeZero as it stands after step 03: Chaining functions.

Adds Exp. Because every Function takes and returns a Variable, functions
can be chained: the output of one is the input of the next, which is how a
composite function (and later its computational graph) is built.
"""

import numpy as np

__step__ = 3


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
