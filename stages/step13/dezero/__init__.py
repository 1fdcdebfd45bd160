"""DeZero as it stands after step 13: Variadic arguments, backward.

Variable.backward() now hands every output's gradient to a function's
backward() and gives each input its own gradient back, so functions with
several inputs, such as Add, can be backpropagated.
"""

import numpy as np

__step__ = 13


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
            # One gradient per output in, one gradient per input out.
            gys = [output.grad for output in f.outputs]
            gxs = f.backward(*gys)
            # A single gradient may be returned bare; treat it as a 1-tuple.
            if not isinstance(gxs, tuple):
                gxs = (gxs,)

            for x, gx in zip(f.inputs, gxs):
                x.grad = gx
                if x.creator is not None:
                    # Visit x's creator later, going one function further back.
                    funcs.append(x.creator)


def as_array(x):
    """Return x as an ndarray: numpy scalars become 0-d arrays."""
    if np.isscalar(x):
        return np.array(x)
    return x


class Function:
    """Base class: Variables in, Variables out; subclasses supply forward()."""

    def __call__(self, *inputs):
        xs = [x.data for x in inputs]
        # Unpack, so that forward() is written with one argument per input.
        ys = self.forward(*xs)
        # A single output may be returned bare; treat it as a 1-tuple.
        if not isinstance(ys, tuple):
            ys = (ys,)
        # numpy returns a scalar, not a 0-d array, for some operations on 0-d
        # inputs (x ** 2 is np.float64); wrap it so Variable accepts it.
        outputs = [Variable(as_array(y)) for y in ys]
        # Each output remembers its creator: this link lets backprop find us.
        for output in outputs:
            output.set_creator(self)
        # backward() needs the input values to evaluate the derivative at them.
        self.inputs = inputs
        self.outputs = outputs
        # One output is returned on its own, so y = f(x) needs no [0].
        return outputs if len(outputs) > 1 else outputs[0]

    def forward(self, *xs):
        # Every concrete function must say how it computes its output.
        raise NotImplementedError(
            f"{type(self).__name__}.forward is not implemented")

    def backward(self, *gys):
        # Given dL/dy for each output, return dL/dx for each input.
        raise NotImplementedError(
            f"{type(self).__name__}.backward is not implemented")


class Square(Function):
    """y = x ** 2"""

    def forward(self, x):
        return x ** 2

    def backward(self, gy):
        x = self.inputs[0].data
        return 2 * x * gy


class Exp(Function):
    """y = e ** x"""

    def forward(self, x):
        return np.exp(x)

    def backward(self, gy):
        x = self.inputs[0].data
        return np.exp(x) * gy


class Add(Function):
    """y = x0 + x1"""

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        # Both partial derivatives of x0 + x1 are 1: pass gy on to each input.
        return gy, gy


def square(x):
    """y = x ** 2, without having to create a Square first."""
    return Square()(x)


def exp(x):
    """y = e ** x, without having to create an Exp first."""
    return Exp()(x)


def add(x0, x1):
    """y = x0 + x1, without having to create an Add first."""
    return Add()(x0, x1)


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


def numerical_grad(f, x, eps=1e-4):
    """Gradient of sum(f(x)) with respect to x, by central differences.

    Each element of x is nudged by +eps and -eps in turn. The sum matches
    what backward() computes, since its seed gradient is all ones. Returns
    an ndarray of x's shape.
    """
    grad = np.zeros(x.data.shape, dtype=np.float64)
    for idx in np.ndindex(x.data.shape):
        # astype makes float64 copies: x itself stays unchanged, and an
        # integer array could not hold x + eps.
        x_plus = x.data.astype(np.float64)
        x_plus[idx] += eps
        x_minus = x.data.astype(np.float64)
        x_minus[idx] -= eps
        y1 = f(Variable(x_plus)).data
        y0 = f(Variable(x_minus)).data
        grad[idx] = (np.sum(y1) - np.sum(y0)) / (2 * eps)
    return grad


def gradient_check(f, x, rtol=1e-4, atol=1e-5):
    """True if backprop's gradient of f at x matches the numerical one.

    f maps a Variable to a Variable; x is a float64 Variable of any shape.
    """
    # Start from a clean gradient so an earlier backward cannot leak in.
    x.grad = None
    y = f(x)
    y.backward()
    backprop = x.grad

    numerical = numerical_grad(f, x, eps=1e-4)
    return bool(np.allclose(backprop, numerical, rtol=rtol, atol=atol))
