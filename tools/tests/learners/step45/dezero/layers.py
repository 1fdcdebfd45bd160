"""Layers (steps 44-45): a Layer keeps its Parameters and its sub-Layers by attribute name."""

import weakref

import numpy as np

import dezero.functions as F
from dezero.core import Parameter


class Layer:
    def __init__(self):
        self._params = set()

    def __setattr__(self, name, value):
        # Remember the names of attributes holding parameters or layers of layers.
        if isinstance(value, (Parameter, Layer)):
            self._params.add(name)
        super().__setattr__(name, value)

    def __call__(self, *inputs):
        outputs = self.forward(*inputs)
        if not isinstance(outputs, tuple):
            outputs = (outputs,)
        self.inputs = [weakref.ref(x) for x in inputs]
        self.outputs = [weakref.ref(y) for y in outputs]
        return outputs if len(outputs) > 1 else outputs[0]

    def forward(self, inputs):
        raise NotImplementedError()

    def params(self):
        for name in self._params:
            obj = self.__dict__[name]
            if isinstance(obj, Layer):
                yield from obj.params()
            else:
                yield obj

    def cleargrads(self):
        for param in self.params():
            param.cleargrad()


class Linear(Layer):
    def __init__(self, out_size, nobias=False, dtype=np.float32, in_size=None):
        super().__init__()
        self.in_size = in_size
        self.out_size = out_size
        self.dtype = dtype

        self.W = Parameter(None, name="W")
        if self.in_size is not None:  # otherwise W waits for the first input
            self._init_W()

        if nobias:
            self.b = None
        else:
            self.b = Parameter(np.zeros(out_size, dtype=dtype), name="b")

    def _init_W(self):
        in_size, out_size = self.in_size, self.out_size
        scale = np.sqrt(1 / in_size)  # keeps the output's spread independent of in_size
        self.W.data = np.random.randn(in_size, out_size).astype(self.dtype) * scale

    def forward(self, x):
        if self.W.data is None:
            self.in_size = x.shape[1]
            self._init_W()
        return F.linear(x, self.W, self.b)
