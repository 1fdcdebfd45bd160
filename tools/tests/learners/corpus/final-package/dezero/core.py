"""The core of DeZero: Variable, Function and the operators.

A copy of core_simple.py changed for higher-order derivatives: gradients are
Variables, every backward() is computed with Variables and Functions, and
backward(create_graph=True) records that computation as a graph of its own,
so that a gradient can be differentiated again. The functions that are not
operators (sin, cos, ...) live in dezero/functions.py. From step 52 a
Variable may hold a CuPy array (on the GPU) as well as a numpy one.
"""

import contextlib
import weakref

import numpy as np

# The methods x.reshape(), x.transpose(), x.T, x.sum() and x.matmul(), and the
# backward of the operators (sum_to), call the functions in dezero/functions.py, which
# itself imports this module. Importing the package (not the functions) here
# avoids that circle: dezero.functions is looked up only when a method runs,
# by which time it is fully loaded.
import dezero
from dezero import cuda

# The arrays a Variable may hold: numpy's, and CuPy's where a GPU can be used.
array_types = (np.ndarray,)
_array_names = "numpy.ndarray"
if cuda.gpu_enable:
    array_types = (np.ndarray, cuda.cupy.ndarray)
    _array_names = "numpy.ndarray or cupy.ndarray"


class Config:
    """Settings shared by the whole framework (class attributes, no instances)."""

    # When False, functions compute their outputs but record no graph.
    enable_backprop = True
    # True while training, False while testing (test_mode()): functions
    # that behave differently at test time, such as dropout, read it.
    train = True


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


def test_mode():
    """with test_mode(): use the model rather than train it (Config.train False).

    Dropout then passes its input through unchanged.
    """
    return using_config("train", False)


class Variable:
    """A box holding a piece of data and, after backprop, its gradient."""

    # Higher than ndarray's, so that in np.array(2.0) + x numpy steps aside
    # and Python calls x.__radd__, giving a Variable in the graph. Otherwise
    # numpy adds x to each element itself and returns an array of Variables.
    __array_priority__ = 200

    def __init__(self, data, name=None):
        # Only ndarrays (or None) are allowed, so every operation can rely on
        # array behaviour; a float or list here is almost always a mistake.
        if data is not None and not isinstance(data, array_types):
            raise TypeError(
                f"Variable: data must be a {_array_names} (or None), "
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

    # Shape-changing methods, as an ndarray has them, so that x.reshape(2, 3)
    # and x.T work on a Variable too. They are the functions of
    # dezero/functions.py, and so are recorded in the graph like any other.

    def reshape(self, *shape):
        """x.reshape((2, 3)) or x.reshape(2, 3): the same data in a new shape."""
        # A single tuple or list is the shape itself; separate ints make one.
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return dezero.functions.reshape(self, shape)

    def transpose(self, *axes):
        """x.transpose() reverses the axes; x.transpose(1, 0, 2) reorders them."""
        if len(axes) == 0:
            axes = None
        elif len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            # x.transpose((1, 0, 2)) or x.transpose(None), as numpy allows.
            axes = axes[0]
        return dezero.functions.transpose(self, axes)

    @property
    def T(self):
        """x.T, the transpose: the axes in reverse order."""
        return dezero.functions.transpose(self)

    def sum(self, axis=None, keepdims=False):
        """x.sum(axis=None, keepdims=False): the sum, as with an ndarray."""
        return dezero.functions.sum(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        """x.max(axis=None, keepdims=False): the largest element, as F.max."""
        return dezero.functions.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        """x.min(axis=None, keepdims=False): the smallest element, as F.min."""
        return dezero.functions.min(self, axis, keepdims)

    def matmul(self, W):
        """x.matmul(W): the matrix product of x and W, as F.matmul(x, W)."""
        return dezero.functions.matmul(self, W)

    def dot(self, W):
        """x.dot(W): the same matrix product, under numpy's name for it."""
        return dezero.functions.matmul(self, W)

    def matmaul(self, W):
        """x.matmaul(W): x.matmul(W) under the book's misspelt name.

        The book's package defines both spellings, so programs may use either.
        """
        return dezero.functions.matmul(self, W)

    def to_cpu(self):
        """Move the data to the CPU, as a numpy array (if it is not there already)."""
        if self.data is not None:
            self.data = cuda.as_numpy(self.data)

    def to_gpu(self):
        """Move the data to the GPU, as a cupy array. Needs CuPy and a GPU."""
        # Checked even when there is no data yet, so that the mistake shows
        # at once rather than at the first computation.
        cuda.check_available("to_gpu")
        if self.data is not None:
            self.data = cuda.as_cupy(self.data)

    def set_creator(self, func):
        self.creator = func
        # An output is one generation after the function that made it.
        self.generation = func.generation + 1

    def cleargrad(self):
        # Gradients accumulate, so start afresh before a new calculation.
        self.grad = None

    def unchain(self):
        """Forget the function that made this variable: backprop stops here.

        The variable keeps its data and stays usable as an input, but it
        no longer leads back to the computation that produced it.
        """
        self.creator = None

    def unchain_backward(self):
        """Cut the whole graph behind this variable off, so that it can be freed.

        Every variable that led to this one forgets its creator. This one
        keeps its own, so that backward() from it still reaches its direct
        inputs; nothing further back is kept alive by it. Truncated
        backprop through time calls it after each backward(): the next
        steps then build on this variable's value without dragging the old
        graph along (and without backpropagating into it again).
        """
        if self.creator is None:
            return
        funcs = [self.creator]
        # A function can be reached along several paths; visit it once.
        seen_set = {self.creator}
        while funcs:
            f = funcs.pop()
            for x in f.inputs:
                if x.creator is not None:
                    if x.creator not in seen_set:
                        seen_set.add(x.creator)
                        funcs.append(x.creator)
                    # After this, nothing refers to x's creator but the
                    # list above: once visited, it is freed, and with it
                    # its inputs, unless something else holds them.
                    x.unchain()

    def backward(self, retain_grad=False, create_graph=False):
        """Propagate self.grad back to the variables this one came from.

        If self.grad is not set, it starts as ones: dy/dy = 1 for each element.
        Unless retain_grad is True, only the variables that no function made
        (the inputs) keep their gradients; every function's outputs, self
        included, have theirs dropped once they have been passed on.
        The gradients are Variables. With create_graph=True the functions that
        compute them are recorded too, so that x.grad.backward() can give the
        next derivative.
        """
        if self.grad is None:
            # ones_like keeps the shape and dtype of the data, and xp its
            # device: a GPU variable gets a GPU seed. The seed is a Variable
            # like every gradient, so that it can enter a graph.
            xp = cuda.get_array_module(self.data)
            self.grad = Variable(xp.ones_like(self.data))

        # as the book: leaf-backward (no check that a function made self:
        # for an input, creator None is queued and visited below)

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

            # The backward computation is made of Functions, like the forward
            # one. Record its graph only when asked: a first derivative is
            # usually all that is wanted, and the graph would cost memory.
            with using_config("enable_backprop", create_graph):
                gxs = f.backward(*gys)
                # A single gradient may be returned bare; treat it as a 1-tuple.
                if not isinstance(gxs, tuple):
                    gxs = (gxs,)

                for x, gx in zip(f.inputs, gxs):
                    if x.grad is None:
                        x.grad = gx
                    else:
                        # A variable used several times sums the gradients of
                        # its uses. The sum is an Add, inside the with-block,
                        # so that the next derivative goes through it too.
                        x.grad = x.grad + gx
                    if x.creator is not None:
                        # Visit x's creator later, one function further back.
                        add_func(x.creator)

            if not retain_grad:
                # f's outputs have passed their gradients on and nothing else
                # will read them: free them now rather than with the graph.
                for y in f.outputs:
                    y().grad = None  # y is a weak reference


class Parameter(Variable):
    """A Variable that a model learns: a weight or a bias.

    It behaves exactly like a Variable. Being a separate class lets a Layer
    tell its parameters from the other Variables it handles, with
    isinstance(value, Parameter).
    """


def as_array(x, array_module=np, *, like=None):
    """Return x as an ndarray: numpy scalars become 0-d arrays.

    array_module: the module that makes the array, numpy or cupy (the
    book's argument from this step on: as_array(x, cupy) on the GPU).

    like: the Variable that x is about to meet in an operator. The number
    then takes the dtype numpy would give it next to like's dtype, so float32
    data stays float32; a bare np.array(2) is int64, and NumPy 2 would let
    it promote float32 data to float64. (The dtype, not the data: NumPy 1.x
    ignores a 0-d array's dtype next to a Python number.) And it goes where
    like's data is: a cupy array next to a GPU variable.
    """
    if np.isscalar(x):
        if like is None:
            return array_module.array(x)
        xp = cuda.get_array_module(like)
        # as the book: float32-promotion (a number becomes a float64 array,
        # whatever like's dtype)
        return xp.array(x)
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
        # Given dL/dy for each output, return dL/dx for each input. Both are
        # Variables, and dL/dx must be computed from Variables with Functions
        # (the operators included): that is what lets create_graph record it.
        raise NotImplementedError(
            f"{type(self).__name__}.backward is not implemented")


def _sum_to_inputs(f, gx0, gx1):
    """gx0 and gx1 summed to the shapes of f's two inputs, if these differed.

    When x0 and x1 differ in shape, numpy broadcasts one of them in forward:
    x0 of shape (3,) plus x1 of shape (1,) uses x1's one element three times.
    A value used several times gets the sum of its uses' gradients, so each
    gradient, which has y's shape, is summed back to its input's shape.
    """
    if f.x0_shape != f.x1_shape:
        gx0 = dezero.functions.sum_to(gx0, f.x0_shape)
        gx1 = dezero.functions.sum_to(gx1, f.x1_shape)
    return gx0, gx1


class Add(Function):
    """y = x0 + x1"""

    def forward(self, x0, x1):
        # Kept for backward, which returns gradients in these shapes.
        self.x0_shape, self.x1_shape = x0.shape, x1.shape
        return x0 + x1

    def backward(self, gy):
        # Both partial derivatives of x0 + x1 are 1: pass gy on to each input.
        return _sum_to_inputs(self, gy, gy)


class Mul(Function):
    """y = x0 * x1"""

    def forward(self, x0, x1):
        self.x0_shape, self.x1_shape = x0.shape, x1.shape
        return x0 * x1

    def backward(self, gy):
        # dy/dx0 = x1 and dy/dx1 = x0: each input's gradient uses the other.
        x0, x1 = self.inputs[0], self.inputs[1]
        return _sum_to_inputs(self, gy * x1, gy * x0)


class Neg(Function):
    """y = -x"""

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Sub(Function):
    """y = x0 - x1"""

    def forward(self, x0, x1):
        self.x0_shape, self.x1_shape = x0.shape, x1.shape
        return x0 - x1

    def backward(self, gy):
        # dy/dx0 = 1 and dy/dx1 = -1.
        return _sum_to_inputs(self, gy, -gy)


class Div(Function):
    """y = x0 / x1"""

    def forward(self, x0, x1):
        self.x0_shape, self.x1_shape = x0.shape, x1.shape
        return x0 / x1

    def backward(self, gy):
        # dy/dx0 = 1 / x1 and dy/dx1 = -x0 / x1 ** 2.
        x0, x1 = self.inputs[0], self.inputs[1]
        gx0 = gy / x1
        gx1 = gy * (-x0 / x1 ** 2)
        return _sum_to_inputs(self, gx0, gx1)


class Pow(Function):
    """y = x ** c, for a constant exponent c"""

    def __init__(self, c):
        # c is a plain number, not an input: no gradient flows to it.
        self.c = c

    def forward(self, x):
        return x ** self.c

    def backward(self, gy):
        x = self.inputs[0]
        c = self.c
        return c * x ** (c - 1) * gy


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
    """Install the operators on Variable: x * y, x + y, -x, x - y, x / y, x ** c, x[i].

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
    # x[1], x[:, 2], x[[0, 0, 1]]: indexing is get_item, with a gradient.
    # (Through the module, since dezero.functions imports this one.)
    Variable.__getitem__ = dezero.functions.get_item
