"""GPU support: CuPy, if it is installed and a CUDA device can be used.

CuPy is numpy for NVIDIA GPUs: cupy.exp, cupy.zeros, x.sum(), ... behave
like their numpy namesakes, on arrays that live in the GPU's memory. So
DeZero runs on either with the same code: a function asks
get_array_module(x) for the module that x's array belongs to, xp, and
calls xp.exp(x) instead of np.exp(x).

CuPy is optional. Without it (or without a GPU) gpu_enable is False,
everything runs on numpy, and whatever would move data to the GPU
(as_cupy, to_gpu) raises a RuntimeError that says so.
"""

import numpy as np

# The package, not its names: this module is imported by the core while the
# package is still being set up, so Variable is looked up only when a
# function below runs, by which time it is bound.
import dezero


def _import_cupy():
    """CuPy's modules (cupy, cupyx) if they import and a CUDA device works, else None."""
    try:
        import cupy
        import cupyx
    except ImportError:
        # The usual case on a machine without an NVIDIA GPU.
        return None
    try:
        # CuPy imports without a GPU or a driver and fails only when it is
        # first used; ask the driver for a device now, so that gpu_enable
        # tells the truth.
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
    except Exception:
        # cupy.cuda.runtime.CUDARuntimeError, or an error loading the
        # CUDA libraries: either way there is no GPU to use.
        return None
    return cupy, cupyx


_modules = _import_cupy()

# True when arrays can be put on a GPU with CuPy.
gpu_enable = _modules is not None

# The cupy module itself (cuda.cupy.array(...)), or None without a GPU.
# cupyx holds the functions numpy spells differently, such as scatter_add.
cupy, cupyx = _modules if gpu_enable else (None, None)


def check_available(operation):
    """Raise RuntimeError, naming operation, unless CuPy and a GPU are there."""
    if not gpu_enable:
        raise RuntimeError(
            f"{operation}: CuPy/CUDA is not available (install cupy and use "
            "a machine with an NVIDIA GPU)")


def _unwrap(x):
    """x's data if x is a Variable, else x itself."""
    if isinstance(x, dezero.Variable):
        return x.data
    return x


def get_array_module(x):
    """The module that x's array belongs to: cupy for a GPU array, else numpy.

    x may be a Variable (its data decides), an ndarray, a cupy array or a
    number. Code written as xp = get_array_module(x); xp.exp(x) then runs
    wherever x lives.
    """
    x = _unwrap(x)
    if not gpu_enable:
        # No cupy array can exist.
        return np
    return cupy.get_array_module(x)


def as_numpy(x):
    """x as a numpy ndarray: a GPU array is copied to the CPU.

    A number becomes a 0-d array; a numpy ndarray is returned as it is.
    """
    x = _unwrap(x)
    if np.isscalar(x):
        return np.array(x)
    if isinstance(x, np.ndarray):
        return x
    if gpu_enable and isinstance(x, cupy.ndarray):
        return cupy.asnumpy(x)
    raise TypeError(
        "as_numpy: expected a numpy or cupy array, a number or a Variable "
        f"holding one, got {type(x).__name__}")


def as_cupy(x):
    """x as a cupy ndarray: a numpy array is copied to the GPU."""
    check_available("as_cupy")
    x = _unwrap(x)
    return cupy.asarray(x)


def __getattr__(name):
    """dezero.cuda.Variable: the book's cuda module imports Variable, so
    programs could reach it here. This module is imported while the package
    is still being set up, before Variable exists, so the name is looked up
    only when a program asks for it (a module-level __getattr__, PEP 562).
    """
    if name == "Variable":
        return dezero.Variable
    raise AttributeError(f"module 'dezero.cuda' has no attribute {name!r}")
