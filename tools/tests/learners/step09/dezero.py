"""A learner's step 9 (함수를 더 편리하게), one file, as the book's step-9 program.

Only what step 9 needs: Variable (ndarray only), Function, Square, Exp, the helper functions
square() and exp(), as_array, and a backward loop that seeds dy/dy with ones. The numerical
derivative of step 4 is not part of this program.
"""

import numpy as np


class Variable:
    def __init__(self, data):
        # Only ndarrays (or None) go in the box from now on.
        if data is not None and not isinstance(data, np.ndarray):
            raise TypeError(f"{type(data)} is not supported")
        self.data = data
        self.grad = None
        self.creator = None

    def set_creator(self, func):
        self.creator = func

    def backward(self):
        # The output's own gradient is 1: no need to set it by hand any more.
        if self.grad is None:
            self.grad = np.ones_like(self.data)

        funcs = [self.creator]
        while funcs:
            f = funcs.pop()
            x, y = f.input, f.output
            x.grad = f.backward(y.grad)
            if x.creator is not None:
                funcs.append(x.creator)


def as_array(x):
    """numpy turns a 0-d result into a scalar (np.float64); put it back into an ndarray."""
    if np.isscalar(x):
        return np.array(x)
    return x


class Function:
    def __call__(self, input):
        x = input.data
        y = self.forward(x)
        output = Variable(as_array(y))
        output.set_creator(self)
        self.input = input
        self.output = output
        return output

    def forward(self, x):
        raise NotImplementedError()

    def backward(self, gy):
        raise NotImplementedError()


class Square(Function):
    def forward(self, x):
        return x ** 2

    def backward(self, gy):
        x = self.input.data
        return 2 * x * gy


class Exp(Function):
    def forward(self, x):
        return np.exp(x)

    def backward(self, gy):
        x = self.input.data
        return np.exp(x) * gy


def square(x):
    return Square()(x)


def exp(x):
    return Exp()(x)


if __name__ == "__main__":
    x = Variable(np.array(0.5))
    y = square(exp(square(x)))
    y.backward()
    print(x.grad)  # 3.297442541400256

    Variable(np.array(1.0))  # fine
    Variable(None)  # fine
    try:
        Variable(1.0)  # a float is not an ndarray
    except TypeError as err:
        print("TypeError:", err)
