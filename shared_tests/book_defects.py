"""Known defects of the book's own code: a table, each with the check that recognises it.

Code written the way the book writes it has these defects too, and a learner who typed the
book's step correctly must not see their step fail for them. When code graded with --impl
has one (its `present` check says so) and a test fails the way the defect makes it fail (its
test names or message), the capability is reported as "shared with the book", with the
explanation and the fix, instead of as a failure. `--strict` counts them as failures.

The stages fix every defect here; CONTRIBUTING says where and how.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Callable

import numpy as np


@dataclasses.dataclass(frozen=True)
class Defect:
    name: str
    title: str
    first_step: int  # the first step whose book code has it
    explanation: str  # one paragraph: what goes wrong and why
    fix: str
    present: Callable  # (adapter) -> bool: does the code under test have it?
    tests: tuple[str, ...] = ()  # test names (substrings of the test id) it makes fail
    message: str | None = None  # or a regex that its failure messages match ...
    message_in: tuple[str, ...] = ()  # ... in these tests only (empty: in any test)

    def explains(self, test_id: str, message: str) -> bool:
        if any(name in test_id for name in self.tests):
            return True
        if self.message_in and not any(name in test_id for name in self.message_in):
            return False
        return self.message is not None and re.search(self.message, message) is not None

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "explanation": self.explanation,
                "fix": self.fix}


def _quietly(check):
    """A recogniser that says False, not crash, where the code is too different to tell."""
    def run(A):
        try:
            return bool(check(A))
        except Exception:  # noqa: BLE001 - any failure to probe means "not recognised"
            return False
    return run


def _leaf_backward_crashes(A):
    x = A.dz.Variable(np.array(1.0))
    if not A.has("seed-grad"):
        x.grad = np.array(1.0)
    try:
        x.backward()
    except AttributeError:
        return True
    return False


def _numbers_promote_float32(A):
    x = A.dz.Variable(np.array([1.0, 2.0], dtype=np.float32))
    return (x * 2.0).data.dtype != np.float32 or (x + 1).data.dtype != np.float32


def _source(obj) -> str:
    return inspect.getsource(obj)


def _broadcast_is_read_only(A):
    y = A.fn("broadcast_to")(A.var(np.ones(3)), (2, 3))
    return not A.data(y).flags.writeable


def _sum_along_a_tuple_crashes(A):
    x = A.var(np.ones((2, 3, 4)))
    y = A.fn("sum")(x, axis=(0, 2))
    try:
        y.backward()
    except Exception:  # noqa: BLE001 - the book's reshape_sum_backward fails in numpy
        return True
    return False


def _mse_gradient_not_summed(A):
    x0, x1 = A.var(np.ones((2, 3))), A.var(np.zeros(3))
    A.fn("mean_squared_error")(x0, x1).backward()
    return A.grad(x1).shape != (3,)


def _layer_keeps_stale_names(A):
    layer = A.layers().Layer()
    layer.p = A.dz.Parameter(np.ones(1))
    layer.p = None
    return len(list(layer.params())) != 0 or "p" in getattr(layer, "_params", ())


DEFECTS: tuple[Defect, ...] = (
    Defect(
        "leaf-backward", "backward() on a variable that no function made crashes", 7,
        "The book's backward starts from the variable's creator and never asks whether there "
        "is one, so x.backward() on an input (creator None) fails with "
        "\"'NoneType' object has no attribute ...\" instead of giving dx/dx = 1.",
        "Seed the gradient, then start the loop only if self.creator is not None.",
        _quietly(_leaf_backward_crashes),
        # Only where a test backpropagates from a leaf on purpose, or where the gradient
        # of a linear function (the seed itself, a leaf) is differentiated again: the same
        # message elsewhere may be a real bug (create_graph ignored, say).
        tests=("backward_from_an_input_stops_at_once", "backward_on_an_input_gives_one",
               "the_gradient_is_a_variable_without_a_graph_by_default",
               "core_simple_keeps_its_graph_and_memory_rules"),
        message=r"'NoneType' object has no attribute '(generation|input|inputs|backward)'",
        message_in=("test_second_derivative[",)),
    Defect(
        "float32-promotion", "a Python number turns float32 data into float64 (NumPy 2)", 21,
        "The book's as_array makes np.array(2.0) of a Python number: a float64 array, which "
        "NumPy 2 no longer treats as a weak scalar, so float32 data meeting it becomes "
        "float64, and so do its gradients (the book's MLP step runs about 2x slower for it).",
        "as_array(x, like=v): give the number the dtype np.result_type(v.dtype, x).",
        _quietly(_numbers_promote_float32),
        message=r"float64|dtype\('float64'\)"),
    Defect(
        "dot-once-per-use", "get_dot_graph writes a variable once per use", 26,
        "The book's get_dot_graph writes a variable's node each time a function uses it, so "
        "a variable used twice appears twice in the DOT text (graphviz draws it once).",
        "Remember which variables were written (a set of ids) and write each once.",
        _quietly(lambda A: True), tests=("each_node_is_written_once",)),
    Defect(
        "dot-shell", "plot_dot_graph runs dot through a shell and ignores its errors", 26,
        "The book builds a shell command string and runs it with shell=True without checking "
        "the exit status, so a missing dot or an unknown format is silent (and a file name "
        "with a space breaks the command).",
        "Run [dot, '-T' + ext, dot_file, '-o', to_file] without a shell and raise on failure.",
        _quietly(lambda A: "shell=True" in _source(A.module("utils").plot_dot_graph)),
        tests=("a_file_name_without_extension_is_rejected",
               "an_unknown_format_reports_dots_complaint",
               "in_a_notebook_the_picture_is_returned_for_display")),
    Defect(
        "notebook-svg", "in a notebook, an .svg picture raises", 26,
        "The book returns IPython's display.Image for any picture; Image embeds raster "
        "pictures only and raises on an .svg.",
        "Return display.SVG for an .svg, display.Image for raster pictures, else None.",
        _quietly(lambda A: "SVG" not in _source(A.module("utils").plot_dot_graph)),
        tests=("in_a_notebook_an_svg_is_shown_as_svg",)),
    Defect(
        "broadcast-read-only", "broadcast_to returns numpy's read-only view", 40,
        "np.broadcast_to returns a view that cannot be written, and the book keeps it as the "
        "result; a gradient changed in place (an optimizer hook) then raises.",
        "Copy the broadcast array (np.broadcast_to(x, shape).copy()).",
        _quietly(_broadcast_is_read_only), tests=("broadcast_result_is_an_array_of_its_own",),
        message=r"read-only|not writeable"),
    Defect(
        "sum-axis-tuple", "sum over a tuple of axes fails in backward", 39,
        "The book's reshape_sum_backward tests hasattr(axis, 'len') (not '__len__'), so a "
        "tuple of axes is taken for one axis and the reshape fails.",
        "Test isinstance(axis, tuple) (or hasattr(axis, '__len__')).",
        _quietly(_sum_along_a_tuple_crashes), tests=("sum_along_axes_agrees_with_numpy",)),
    Defect(
        "mse-broadcast-gradient", "mean_squared_error's gradient ignores broadcasting", 42,
        "The book's MeanSquaredError.backward returns gy * diff * 2/N for both inputs without "
        "summing them back to the inputs' shapes, so a broadcast input gets a gradient of the "
        "wrong shape.",
        "sum_to each gradient to its input's shape, as Add and Sub do from step 40.",
        _quietly(_mse_gradient_not_summed), tests=("[mean_squared_error",)),
    Defect(
        "layer-stale-names", "a Layer keeps collecting an attribute that no longer holds a "
        "parameter", 44,
        "The book's Layer adds a name to a set when a Parameter is assigned and never removes "
        "it, so reassigning that attribute (to None, say) leaves a stale name, and the set's "
        "order varies between runs.",
        "Keep the names in a list, and drop a name when its attribute stops holding a "
        "Parameter or Layer.",
        _quietly(_layer_keeps_stale_names),
        tests=("an_attribute_that_no_longer_holds_a_parameter_is_not_collected",)),
)


def present_in(A, step: int) -> list[Defect]:
    """The defects that the code bound to adapter A, graded as `step`, has."""
    return [d for d in DEFECTS if d.first_step <= step and d.present(A)]
