"""DeZero as it stands after step 11: Variadic arguments, forward.

A Function now takes a list of Variables and returns a list, so that
functions with several inputs or outputs fit the same mould; Add is the
first. Backward still follows the first input and output only (step 13
generalises it), and Add has no backward yet.
"""

import numpy as np

__step__ = 11


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
            # Only single-input functions can be backpropagated so far: use
            # the first input and output until step 13 handles several.
            x, y = f.inputs[0], f.outputs[0]
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
    """Base class: lists of Variables in and out; subclasses supply forward()."""

    def __call__(self, inputs):
        xs = [x.data for x in inputs]
        ys = self.forward(xs)
        # numpy returns a scalar, not a 0-d array, for some operations on 0-d
        # inputs (x ** 2 is np.float64); wrap it so Variable accepts it.
        outputs = [Variable(as_array(y)) for y in ys]
        # Each output remembers its creator: this link lets backprop find us.
        for output in outputs:
            output.set_creator(self)
        # backward() needs the input values to evaluate the derivative at them.
        self.inputs = inputs
        self.outputs = outputs
        return outputs

    def forward(self, xs):
        # Every concrete function must say how it computes its output.
        raise NotImplementedError(
            f"{type(self).__name__}.forward is not implemented")

    def backward(self, gy):
        # Given dL/dy, a concrete function returns dL/dx.
        raise NotImplementedError(
            f"{type(self).__name__}.backward is not implemented")


class Square(Function):
    """y = x ** 2"""

    def forward(self, xs):
        x = xs[0]
        return (x ** 2,)

    def backward(self, gy):
        x = self.inputs[0].data
        return 2 * x * gy


class Exp(Function):
    """y = e ** x"""

    def forward(self, xs):
        x = xs[0]
        return (np.exp(x),)

    def backward(self, gy):
        x = self.inputs[0].data
        return np.exp(x) * gy


class Add(Function):
    """y = x0 + x1"""

    def forward(self, xs):
        x0, x1 = xs
        return (x0 + x1,)


def square(x):
    """y = x ** 2, without having to create a Square first."""
    return Square()([x])[0]


def exp(x):
    """y = e ** x, without having to create an Exp first."""
    return Exp()([x])[0]


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
