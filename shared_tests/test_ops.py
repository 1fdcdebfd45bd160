"""Checks generated from the op table (ops.py): every row, every check that applies.

Nothing here is about one function: a function's tests are its row. See ops.py for the
checks and how a row says where they apply.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np
import pytest

from dezero_stages import capabilities
from shared_tests import adapter as A
from shared_tests.gradcheck import gradcheck, gradgradcheck
from shared_tests.ops import OPS

# Each check and the capability from which it can run (beside the row's own capability);
# None: as soon as the row's function exists. "grad_from" is the row's own setting.
CHECKS = {
    "forward": None,
    "gradient": "grad_from",
    "second": "second-derivatives",
    "dtype": "grad_from",
    "grad-shape": "grad_from",
}
CORES = ("dezero", "core_simple")


def _latest(*names: str) -> str:
    """The capability, of those given, that arrives last: the one a test is marked with."""
    return max(names, key=lambda name: capabilities.get(name).step)


def _cases(check: str, dtypes=(np.float64,)) -> list:
    return list(_generate(check, dtypes))


def _generate(check: str, dtypes):
    gate = CHECKS[check]
    for op in OPS:
        cores = ["dezero"] + (["core_simple"] if op.simple_core and check != "second" else [])
        for core in cores:
            needs = [op.capability]
            if gate is not None:
                needs.append(op.grad_from if gate == "grad_from" else gate)
            if core == "core_simple":
                needs.append("full-core")  # core_simple stands on its own from step 32
            mark = pytest.mark.capability(_latest(*needs))
            for shapes in op.shapes:
                label = "x".join(",".join(map(str, s)) or "0d" for s in shapes)
                for dtype in dtypes:
                    suffix = "" if len(dtypes) == 1 else f"-{np.dtype(dtype).name}"
                    yield pytest.param(op, core, shapes, dtype, marks=mark,
                                       id=f"{op.name}-{core}-{label}{suffix}")


def _core(name: str):
    return A.MAIN if name == "dezero" else A.simple_core()


def _samples(op, shapes, dtype) -> list[np.ndarray]:
    """Reproducible inputs for a row: uniform in [-2, 2], moved into its domain."""
    rng = np.random.default_rng(zlib.crc32(f"{op.name}{shapes}".encode()))
    return [np.asarray(op.domain(rng.uniform(-2, 2, size=shape))).astype(dtype)
            for shape in shapes]


def _skip_if_known(op, check, core):
    reason = op.skip_for(check, core)
    if reason is not None:
        pytest.skip(f"{op.name}: {reason}")


@pytest.mark.parametrize("op, core, shapes, dtype",
                         _cases("forward", (np.float64, np.float32)))
def test_forward(op, core, shapes, dtype):
    _skip_if_known(op, "forward", core)
    F = _core(core)
    arrays = _samples(op, shapes, dtype)
    y = op.call(F, *[F.var(a, dtype=dtype) for a in arrays])
    assert F.is_variable(y), f"{op.name} returned {type(y).__name__}, not a Variable"
    expected = op.reference(*[a.astype(np.float64) for a in arrays])
    got = A.data(y)
    if A.has("as-array"):  # before step 9 a 0-d result may be a numpy scalar
        assert isinstance(got, np.ndarray), f"{op.name}: data is {type(got).__name__}"
    assert np.shape(got) == np.shape(expected)
    rtol = op.rtol if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * 1e-3)


@pytest.mark.parametrize("op, core, shapes, dtype", _cases("gradient"))
def test_gradient(op, core, shapes, dtype):
    _skip_if_known(op, "gradient", core)
    F = _core(core)
    gradcheck(functools.partial(op.call, F), *_samples(op, shapes, dtype), core=F)


@pytest.mark.parametrize("op, core, shapes, dtype", _cases("second"))
def test_second_derivative(op, core, shapes, dtype):
    _skip_if_known(op, "second", core)
    gradgradcheck(functools.partial(op.call, A.MAIN), *_samples(op, shapes, dtype))


def _backprop(op, F, arrays, dtype):
    xs = [F.var(a, dtype=dtype) for a in arrays]
    y = op.call(F, *xs)
    F.backward(y)
    return y, xs


@pytest.mark.parametrize("op, core, shapes, dtype", _cases("dtype", (np.float32,)))
def test_dtype_is_kept(op, core, shapes, dtype):
    _skip_if_known(op, "dtype", core)
    F = _core(core)
    y, xs = _backprop(op, F, _samples(op, shapes, dtype), dtype)
    assert A.data(y).dtype == dtype, f"{op.name}: float32 in, {A.data(y).dtype} out"
    for i, x in enumerate(xs):
        assert A.grad(x).dtype == dtype, f"{op.name}: input {i}'s gradient is {A.grad(x).dtype}"


@pytest.mark.parametrize("op, core, shapes, dtype", _cases("grad-shape"))
def test_each_gradient_has_its_inputs_shape(op, core, shapes, dtype):
    _skip_if_known(op, "grad-shape", core)
    F = _core(core)
    _, xs = _backprop(op, F, _samples(op, shapes, dtype), dtype)
    for i, (x, shape) in enumerate(zip(xs, shapes, strict=True)):
        assert A.grad(x).shape == shape, f"{op.name}: input {i} has shape {shape}, " \
            f"its gradient {A.grad(x).shape}"
