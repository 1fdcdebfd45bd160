"""Layers: functions that keep their parameters.

A Layer is like a Function, but it holds Parameters (weights, biases) that
training updates, and it finds them by itself: every attribute that holds a
Parameter, or another Layer, is remembered by name. `import dezero.layers
as L` and L.Linear(10) is a fully connected layer with 10 outputs.
to_gpu() and to_cpu() move all of a layer's parameters at once.
"""

import weakref

import numpy as np

import dezero.functions as F
from dezero import cuda
from dezero.core import Parameter


class Layer:
    """Base class: holds Parameters and other Layers; subclasses supply forward()."""

    def __init__(self):
        # Names of the attributes that hold a Parameter or a Layer, in the
        # order they were first set. A list, not a set, so that params()
        # always yields them in the same order.
        self._params = []

    def __setattr__(self, name, value):
        # Every attribute assignment passes through here, so self.W = ...
        # is all a subclass needs to write for W to count as a parameter,
        # and self.l1 = L.Linear(10) for l1's parameters to count as ours.
        if isinstance(value, (Parameter, Layer)):
            if "_params" not in self.__dict__:
                raise AttributeError(
                    f"{type(self).__name__}: call super().__init__() before "
                    f"setting the parameter or layer {name!r}")
            if name not in self._params:
                self._params.append(name)
        elif name in self.__dict__.get("_params", ()):
            # The attribute no longer holds a parameter (self.b = None):
            # forget its name, or params() would yield the new value.
            self._params.remove(name)
        super().__setattr__(name, value)

    def __call__(self, *inputs):
        outputs = self.forward(*inputs)
        # A single output may be returned bare; treat it as a 1-tuple.
        if not isinstance(outputs, tuple):
            outputs = (outputs,)
        # Weak references, as Function keeps its outputs: a layer is kept for
        # the whole training, and strong links would keep each call's graph
        # alive until the next call replaced them.
        self.inputs = [weakref.ref(x) for x in inputs]
        self.outputs = [weakref.ref(y) for y in outputs]
        return outputs if len(outputs) > 1 else outputs[0]

    def forward(self, *inputs):
        # Every concrete layer must say how it computes its output.
        raise NotImplementedError(
            f"{type(self).__name__}.forward is not implemented")

    def params(self):
        """Yield every Parameter of this layer and of the layers inside it."""
        for name in self._params:
            obj = self.__dict__[name]
            if isinstance(obj, Layer):
                # A layer inside a layer: its parameters are ours too, and
                # so are those of the layers inside it, however deep.
                yield from obj.params()
            else:
                yield obj

    def cleargrads(self):
        """Reset the gradient of every parameter, before a new backward()."""
        for param in self.params():
            param.cleargrad()

    def to_cpu(self):
        """Move every parameter to the CPU (numpy arrays)."""
        for param in self.params():
            param.to_cpu()

    def to_gpu(self):
        """Move every parameter to the GPU (cupy arrays). Needs CuPy and a GPU."""
        # Checked once up front, so that a layer without parameters (or
        # whose parameters have no data yet) fails just the same.
        cuda.check_available("to_gpu")
        for param in self.params():
            param.to_gpu()


class Linear(Layer):
    """y = x W + b, a fully connected layer with out_size outputs.

    in_size may be left out: W is then made at the first call, when x shows
    how many features it has.
    """

    def __init__(self, out_size, nobias=False, dtype=np.float32, in_size=None):
        super().__init__()
        self.in_size = in_size
        self.out_size = out_size
        self.dtype = dtype

        # W has no data until the input size is known.
        self.W = Parameter(None, name="W")
        if self.in_size is not None:
            self._init_W()

        if nobias:
            self.b = None
        else:
            self.b = Parameter(np.zeros(out_size, dtype=dtype), name="b")

    def _init_W(self, xp=np):
        """Draw W at random, scaled by sqrt(1 / in_size).

        The scale keeps the outputs' spread close to the inputs' whatever the
        layer's width (Xavier's initialisation). xp is the module to draw
        with: numpy, or cupy to make W on the GPU.
        """
        in_size, out_size = self.in_size, self.out_size
        # The scale is cast to the layer's dtype like the random numbers:
        # np.sqrt returns a float64 scalar, which NumPy 2 would let turn a
        # float32 W into a float64 one.
        scale = np.sqrt(1 / in_size).astype(self.dtype)
        self.W.data = xp.random.randn(in_size, out_size).astype(self.dtype) * scale

    def forward(self, x):
        if x.ndim != 2:
            raise ValueError(
                "Linear: input must be 2-D (batch, features), "
                f"got shape {x.shape}")
        if self.W.data is None:
            # The first call: now the number of input features is known,
            # and where x is, which is where W must be made.
            self.in_size = x.shape[1]
            self._init_W(cuda.get_array_module(x))
        elif x.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"Linear: input has {x.shape[1]} features, but W was made "
                f"for {self.W.shape[0]}")
        return F.linear(x, self.W, self.b)
