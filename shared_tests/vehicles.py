"""Vehicles: functions a test uses only as a means, built on the code under test.

A test of weak references needs *some* function to make a graph; the suite uses square.
The book's own step programs keep only what their step needs (step 17 has no exp, step 22
no square), so a learner's code graded as step 22 may lack square. Then the test would
die of `no 'square'` and never reach what it tests. Instead the adapter asks here for a
square written on the learner's own `Function` and `Variable`, in the calling convention of
their step, and the report says that it did.

A vehicle is never built for a test of the capability that introduces the function (a test
of `square` itself must find the learner's square): VEHICLES names those capabilities.
"""

from __future__ import annotations

import numpy as np

# name -> the capabilities whose tests are about the function itself (no vehicle there)
VEHICLES: dict[str, tuple[str, ...]] = {
    "square": ("function-call", "function-helpers"),
    "exp": ("exp-chain", "function-helpers"),
    "add": ("variadic-forward", "variadic-unpacked"),
    "sin": ("sin",),
}


def build(name: str, A):
    """The function `name` (square, exp, add, sin) for the dezero bound to adapter A.

    It is a subclass of the code's own Function, so it takes part in its graph, its
    generations and its weak references exactly as the code's own functions would.
    """
    dz = A.dz
    higher = A.has("higher-order")  # backward works on Variables from step 32
    listed = A._list_calling()  # step 11: forward takes and returns lists

    def first_input(f):
        return f.inputs[0] if A.has("variadic-forward") else f.input

    def data(v):
        return v if higher else v.data

    forwards = {"square": lambda x: x ** 2, "exp": np.exp, "sin": np.sin}

    if name == "add":
        class Add(dz.Function):
            def forward(self, *xs):
                x0, x1 = xs[0] if listed else xs
                return [x0 + x1] if listed else x0 + x1

            def backward(self, gy):
                return gy, gy

        return lambda a, b: A.call(Add, a, b)

    forward = forwards[name]

    class Vehicle(dz.Function):
        def forward(self, x):
            return [forward(x[0])] if listed else forward(x)

        def backward(self, gy):
            x = data(first_input(self))
            if name == "square":
                return 2 * x * gy
            if name == "exp":
                # e ** x is its own derivative; from step 32 it must be a Variable.
                return gy * (A.call(Vehicle, x) if higher else np.exp(x))
            # sin: the derivative is cos, written as sin(x + pi / 2) so it stays a vehicle.
            return gy * (A.call(Vehicle, x + np.pi / 2) if higher else np.cos(x))

    Vehicle.__name__ = Vehicle.__qualname__ = name.capitalize()
    return lambda x: A.call(Vehicle, x)
