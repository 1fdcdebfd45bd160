"""Checks generated from the op table (op_rows.py): every row, every check that applies.

Nothing here is about one function: a function's tests are its row. See ops.py for the
checks and how a row says where they apply.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np
import pytest

from dezero_stages import capabilities

from . import adapter as A
from .dtype_check import expect_dtype
from .gradcheck import gradcheck, gradgradcheck
from .op_rows import OPS
from .ops import sample_rule

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


def _cases(check: str) -> list:
    """One pytest case per (row, core) for a check; the sample shapes run inside it."""
    gate = CHECKS[check]
    cases = []
    for op in OPS:
        cores = ["dezero"] + (["core_simple"] if op.simple_core and check != "second" else [])
        for core in cores:
            needs = [op.capability]
            if gate is not None:
                needs.append(op.grad_from if gate == "grad_from" else gate)
            if core == "core_simple":
                needs.append("full-core")  # core_simple stands on its own from step 32
            mark = pytest.mark.capability(_latest(*needs))
            cases.append(pytest.param(op, core, marks=mark, id=f"{op.name}-{core}"))
    return cases


def _core(name: str):
    return A.MAIN if name == "dezero" else A.simple_core()


def _samples(op, shapes, dtype) -> list[np.ndarray]:
    """Reproducible inputs for a row: uniform in [-2, 2], moved into its domain."""
    rng = np.random.default_rng(zlib.crc32(f"{op.name}{shapes}".encode()))
    return [np.asarray(op.domain(rng.uniform(-2, 2, size=shape))).astype(dtype)
            for shape in shapes]


def _each_sample(op, check, core, dtypes=(np.float64,)):
    """(F, shapes, dtype, arrays) for every sample of a row; a failure names the sample."""
    reason = op.skip_for(check, core)
    if reason is not None:
        pytest.skip(f"{op.name}: {reason}")
    F = _core(core)
    for shapes in op.shapes:
        if sample_rule(check, shapes) is not None:
            continue
        for dtype in dtypes:
            yield F, shapes, dtype, _samples(op, shapes, dtype)


def _check_samples(op, check, core, body, dtypes=(np.float64,)) -> None:
    """body(F, shapes, dtype, arrays) on every sample of a row, all of them run.

    A failure on the larger samples is raised before one on 0-d inputs, and every failure
    carries the shapes it failed on (`sample_shapes`): a known defect of the book on 0-d
    inputs (book_defects.py) then never hides a wrong result on the other samples.
    """
    failures = []
    for F, shapes, dtype, arrays in _each_sample(op, check, core, dtypes):
        try:
            body(F, shapes, dtype, arrays)
        except Exception as err:  # noqa: BLE001 - each sample's failure is kept, in order
            err.sample_shapes = shapes
            failures.append(err)
    if failures:
        only_0d = [all(shape == () for shape in err.sample_shapes) for err in failures]
        raise failures[only_0d.index(False) if False in only_0d else 0]


def _where(op, shapes, dtype) -> str:
    inputs = ", ".join(str(s) for s in shapes)
    return f"{op.name} on inputs of shape {inputs} ({np.dtype(dtype).name})"


@pytest.mark.parametrize("op, core", _cases("forward"))
def test_forward(op, core):
    def check(F, shapes, dtype, arrays):
        where = _where(op, shapes, dtype)
        y = op.call(F, *[F.var(a, dtype=dtype) for a in arrays])
        assert F.is_variable(y), f"{where}: returned {type(y).__name__}, not a Variable"
        expected = op.reference(*[a.astype(np.float64) for a in arrays])
        got = A.data(y)
        if A.has("as-array"):  # before step 9 a 0-d result may be a numpy scalar
            assert isinstance(got, np.ndarray), f"{where}: data is {type(got).__name__}"
        assert np.shape(got) == np.shape(expected), f"{where}: result shape {np.shape(got)}"
        rtol = op.rtol if dtype == np.float64 else 1e-5
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * 1e-3, err_msg=where)

    _check_samples(op, "forward", core, check, (np.float64, np.float32))


@pytest.mark.parametrize("op, core", _cases("gradient"))
def test_gradient(op, core):
    def check(F, shapes, dtype, arrays):
        try:
            gradcheck(functools.partial(op.call, F), *arrays, core=F)
        except AssertionError as err:
            raise AssertionError(f"{_where(op, shapes, dtype)}: {err}") from None

    _check_samples(op, "gradient", core, check)


@pytest.mark.parametrize("op, core", _cases("second"))
def test_second_derivative(op, core):
    def check(F, shapes, dtype, arrays):
        try:
            gradgradcheck(functools.partial(op.call, A.MAIN), *arrays)
        except AssertionError as err:
            raise AssertionError(f"{_where(op, shapes, dtype)}: {err}") from None

    _check_samples(op, "second", core, check)


def _backprop(op, F, arrays, dtype):
    xs = [F.var(a, dtype=dtype) for a in arrays]
    y = op.call(F, *xs)
    F.backward(y)
    return y, xs


@pytest.mark.parametrize("op, core", _cases("dtype"))
def test_dtype_is_kept(op, core):
    def check(F, shapes, dtype, arrays):
        where = _where(op, shapes, dtype)
        y, xs = _backprop(op, F, arrays, dtype)
        expect_dtype(A.data(y), dtype, f"{where}: the result")
        for i, x in enumerate(xs):
            expect_dtype(A.grad(x), dtype, f"{where}: input {i}'s gradient")

    _check_samples(op, "dtype", core, check, (np.float32,))


@pytest.mark.parametrize("op, core", _cases("grad-shape"))
def test_each_gradient_has_its_inputs_shape(op, core):
    def check(F, shapes, dtype, arrays):
        _, xs = _backprop(op, F, arrays, dtype)
        for i, (x, shape) in enumerate(zip(xs, shapes, strict=True)):
            assert A.grad(x).shape == shape, f"{_where(op, shapes, dtype)}: input {i}'s " \
                f"gradient has shape {A.grad(x).shape}"

    _check_samples(op, "grad-shape", core, check)
