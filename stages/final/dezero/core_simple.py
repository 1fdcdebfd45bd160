"""The simple core of DeZero: Variable, Function and the operators.

This is the framework of steps 1-22 moved out of __init__.py unchanged:
gradients are plain ndarrays, enough for first derivatives. Step 32 adds
dezero/core.py for higher-order derivatives; this module stays beside it.
"""

import contextlib
import weakref

import numpy as np


class Config:
    """Settings shared by the whole framework (class attributes, no instances)."""

    # When False, functions compute their outputs but record no graph.
    enable_backprop = True


@contextlib.contextmanager
def using_config(name, value):
    """Within a with-block, set Config.<name> to value; restore it afterwards."""
    old_value = getattr(Config, name)
    setattr(Config, name, value)
    try:
        yield
    finally:
        # Restore even if the block raised, so one error cannot leave
        # backprop switched off for the rest of the program.
        setattr(Config, name, old_value)


def no_grad():
    """with no_grad(): compute without building a graph for backprop."""
    return using_config("enable_backprop", False)


class Variable:
    """A box holding a piece of data and, after backprop, its gradient."""

    # Higher than ndarray's, so that in np.array(2.0) + x numpy steps aside
    # and Python calls x.__radd__, giving a Variable in the graph. Otherwise
    # numpy adds x to each element itself and returns an array of Variables.
    __array_priority__ = 200

    def __init__(self, data, name=None):
        # Only ndarrays (or None) are allowed, so every operation can rely on
        # array behaviour; a float or list here is almost always a mistake.
        if data is not None and not isinstance(data, np.ndarray):
            raise TypeError(
                "Variable: data must be a numpy.ndarray (or None), "
                f"got {type(data).__name__}")
        # Keep the very object we were given: no copy, so x.data is data.
        self.data = data
        # An optional label, e.g. for drawing the graph later.
        self.name = name
        # No gradient until backpropagation computes one.
        self.grad = None
        # The Function that produced this variable; None for user inputs.
        self.creator = None
        # How far from the inputs this variable is; user inputs are 0.
        self.generation = 0

    # The properties below pass through to the ndarray, so that a Variable
    # can be asked what one would ask of its data.

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def dtype(self):
        return self.data.dtype

    def __len__(self):
        # Like an ndarray: the length of the first axis.
        return len(self.data)

    def __repr__(self):
        if self.data is None:
            return "variable(None)"
        # Indent the continuation lines by len("variable(") = 9 so that the
        # rows of a matrix line up, as numpy's own repr does.
        p = str(self.data).replace("\n", "\n" + " " * 9)
        return "variable(" + p + ")"

    def set_creator(self, func):
        self.creator = func
        # An output is one generation after the function that made it.
        self.generation = func.generation + 1

    def cleargrad(self):
        # Gradients accumulate, so start afresh before a new calculation.
        self.grad = None

    def backward(self, retain_grad=False):
        """Propagate self.grad back to the variables this one came from.

        If self.grad is not set, it starts as ones: dy/dy = 1 for each element.
        Unless retain_grad is True, only the variables that no function made
        (the inputs) keep their gradients; every function's outputs, self
        included, have theirs dropped once they have been passed on.
        """
        if self.grad is None:
            # ones_like keeps the shape and dtype of the data.
            self.grad = np.ones_like(self.data)

        if self.creator is None:
            # A variable made by the user has nothing behind it to visit.
            return

        # Functions still waiting to pass their gradient back, and every
        # function ever queued, so that none is queued (and run) twice.
        funcs = []
        seen_set = set()

        def add_func(f):
            if f not in seen_set:
                funcs.append(f)
                seen_set.add(f)
                # Keep the latest generation at the end, where pop() takes
                # from: a function runs only after everything that uses its
                # outputs has handed back their gradients.
                funcs.sort(key=lambda func: func.generation)

        add_func(self.creator)
        while funcs:
            f = funcs.pop()
            # One gradient per output in, one gradient per input out.
            # The outputs are weak references: call them to get the variable.
            gys = [output().grad for output in f.outputs]
            gxs = f.backward(*gys)
            # A single gradient may be returned bare; treat it as a 1-tuple.
            if not isinstance(gxs, tuple):
                gxs = (gxs,)

            for x, gx in zip(f.inputs, gxs):
                if x.grad is None:
                    x.grad = gx
                else:
                    # A variable used several times sums the gradients of its
                    # uses. Not +=: that would update in place the very array
                    # another variable holds as its grad (Add passes gy on
                    # unchanged), silently changing that gradient too.
                    x.grad = x.grad + gx
                if x.creator is not None:
                    # Visit x's creator later, going one function further back.
                    add_func(x.creator)

            if not retain_grad:
                # f's outputs have passed their gradients on and nothing else
                # will read them: free them now rather than with the graph.
                for y in f.outputs:
                    y().grad = None  # y is a weak reference


def as_array(x, *, like=None):
    """Return x as an ndarray: numpy scalars become 0-d arrays.

    like: the Variable that x is about to meet in an operator. The number
    then takes the dtype numpy would give it next to like's dtype, so float32
    data stays float32; a bare np.array(2) is int64, and NumPy 2 would let
    it promote float32 data to float64. (The dtype, not the data: NumPy 1.x
    ignores a 0-d array's dtype next to a Python number.)
    """
    if np.isscalar(x):
        dtype = None if like is None else np.result_type(like.dtype, x)
        return np.array(x, dtype=dtype)
    return x


def as_variable(obj):
    """Return obj as a Variable: an ndarray is put into a new Variable."""
    if isinstance(obj, Variable):
        return obj
    return Variable(obj)


class Function:
    """Base class: Variables in, Variables out; subclasses supply forward()."""

    def __call__(self, *inputs):
        # Accept ndarrays too, so that callers need not box every operand.
        inputs = [as_variable(x) for x in inputs]
        xs = [x.data for x in inputs]
        # Unpack, so that forward() is written with one argument per input.
        ys = self.forward(*xs)
        # A single output may be returned bare; treat it as a 1-tuple.
        if not isinstance(ys, tuple):
            ys = (ys,)
        # numpy returns a scalar, not a 0-d array, for some operations on 0-d
        # inputs (x ** 2 is np.float64); wrap it so Variable accepts it.
        outputs = [Variable(as_array(y)) for y in ys]

        # Record the graph only if backprop may follow; otherwise the inputs
        # can be freed as soon as the caller is done with them.
        if Config.enable_backprop:
            # A function belongs to the generation of its latest input.
            self.generation = max([x.generation for x in inputs])
            # Each output remembers its creator: this link lets backprop find us.
            for output in outputs:
                output.set_creator(self)
            # backward() needs the input values to evaluate the derivative.
            self.inputs = inputs
            # Weak references: the outputs point to us as their creator, and a
            # strong link back would make a cycle that delays freeing the graph.
            self.outputs = [weakref.ref(output) for output in outputs]

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


# Square, Exp and Sin are not operators: the book's final package keeps them
# in dezero/functions.py, which arrives in step 34. Until then they live here.


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


class Sin(Function):
    """y = sin(x)"""

    def forward(self, x):
        return np.sin(x)

    def backward(self, gy):
        # d sin(x) / dx = cos(x)
        x = self.inputs[0].data
        return gy * np.cos(x)


class Add(Function):
    """y = x0 + x1"""

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        # Both partial derivatives of x0 + x1 are 1: pass gy on to each input.
        return gy, gy


class Mul(Function):
    """y = x0 * x1"""

    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        # dy/dx0 = x1 and dy/dx1 = x0: each input's gradient uses the other.
        x0, x1 = self.inputs[0].data, self.inputs[1].data
        return gy * x1, gy * x0


class Neg(Function):
    """y = -x"""

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Sub(Function):
    """y = x0 - x1"""

    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        # dy/dx0 = 1 and dy/dx1 = -1.
        return gy, -gy


class Div(Function):
    """y = x0 / x1"""

    def forward(self, x0, x1):
        return x0 / x1

    def backward(self, gy):
        # dy/dx0 = 1 / x1 and dy/dx1 = -x0 / x1 ** 2.
        x0, x1 = self.inputs[0].data, self.inputs[1].data
        gx0 = gy / x1
        gx1 = gy * (-x0 / x1 ** 2)
        return gx0, gx1


class Pow(Function):
    """y = x ** c, for a constant exponent c"""

    def __init__(self, c):
        # c is a plain number, not an input: no gradient flows to it.
        self.c = c

    def forward(self, x):
        return x ** self.c

    def backward(self, gy):
        x = self.inputs[0].data
        c = self.c
        return c * x ** (c - 1) * gy


def square(x):
    """y = x ** 2, without having to create a Square first."""
    return Square()(x)


def exp(x):
    """y = e ** x, without having to create an Exp first."""
    return Exp()(x)


def sin(x):
    """y = sin(x), without having to create a Sin first."""
    return Sin()(x)


def add(x0, x1):
    """y = x0 + x1, without having to create an Add first."""
    # x0 is the Variable whose operator was called; x1 may be an int or a
    # float, which as_array turns into an ndarray for as_variable to box.
    x1 = as_array(x1, like=x0)
    return Add()(x0, x1)


def mul(x0, x1):
    """y = x0 * x1, without having to create a Mul first."""
    x1 = as_array(x1, like=x0)
    return Mul()(x0, x1)


def neg(x):
    """y = -x"""
    return Neg()(x)


def sub(x0, x1):
    """y = x0 - x1"""
    x1 = as_array(x1, like=x0)
    return Sub()(x0, x1)


def rsub(x0, x1):
    """y = x1 - x0: for 2.0 - x, where Python calls x.__rsub__(2.0)."""
    # Subtraction does not commute, so put the operands back in order.
    x1 = as_array(x1, like=x0)
    return Sub()(x1, x0)


def div(x0, x1):
    """y = x0 / x1"""
    x1 = as_array(x1, like=x0)
    return Div()(x0, x1)


def rdiv(x0, x1):
    """y = x1 / x0: for 3.0 / x, where Python calls x.__rtruediv__(3.0)."""
    # Division does not commute, so put the operands back in order.
    x1 = as_array(x1, like=x0)
    return Div()(x1, x0)


def pow(x, c):
    """y = x ** c, for a constant exponent c"""
    return Pow(c)(x)


def setup_variable():
    """Install the operators on Variable: x * y, x + y, -x, x - y, x / y, x ** c.

    Python turns a * b into a.__mul__(b), so installing the functions as these
    methods makes the operators build the graph too. It is a function rather
    than code run on import, so that importing this module changes nothing by
    itself: dezero/__init__.py calls it once, for the core it has chosen.
    """
    Variable.__mul__ = mul
    Variable.__add__ = add
    # The reflected forms handle 3.0 * x: float.__mul__ cannot take a
    # Variable, so Python calls x.__rmul__(3.0). Addition and multiplication
    # commute, so the same functions serve with the operands swapped.
    Variable.__rmul__ = mul
    Variable.__radd__ = add
    Variable.__neg__ = neg
    Variable.__sub__ = sub
    Variable.__rsub__ = rsub
    Variable.__truediv__ = div
    Variable.__rtruediv__ = rdiv
    Variable.__pow__ = pow
