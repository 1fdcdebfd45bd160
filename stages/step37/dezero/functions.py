"""DeZero's functions: the ones that are not operators on Variable.

Square, Exp, Sin and Cos move here from the core, as in the book's final
package, where they are used as `import dezero.functions as F` and
F.sin(x). Each backward() computes with Variables and these same functions,
so that backward(create_graph=True) can differentiate it again.
"""

import numpy as np

from dezero.core import Function


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
