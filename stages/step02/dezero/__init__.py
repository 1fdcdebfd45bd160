"""DeZero as it stands after step 02: Functions that make variables.

A Function takes a Variable and gives back a new Variable. The base class
does the unboxing and boxing once, so each concrete function only writes
the arithmetic in forward().
"""

__step__ = 2


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
