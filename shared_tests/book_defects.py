"""Known defects of the book's own code: a table, each with the check that recognises it.

Code written the way the book writes it has these defects too, and a learner who typed the
book's step correctly must not see their step fail for them. A defect is recognised in two
parts, and never from a failure's message:

1. `present(A)`: a probe runs the defect's own small program on the code under test
   (adapter A) and sees the defect happen. It may also say how it happened (the exception
   type, the missing attribute's name), which then is what a test must see too.
2. `explains(test_id, exc)`: a failing test is explained only if it is one of the tests
   the defect makes fail (`tests`: substrings of the test id) and it failed in exactly the
   defect's way (`raises`, `attribute`, `check` on the exception object).

Such a failure is reported as "shared with the book", with the explanation and the fix,
instead of as a failure. `--strict` counts them as failures.

The stages fix every defect here; CONTRIBUTING says where and how.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable

import numpy as np

from .dtype_check import DtypeMismatch

try:  # pytest.raises(...) that saw nothing raises this (not an AssertionError)
    from _pytest.outcomes import Failed as _DidNotRaise
except ImportError:  # pragma: no cover - the suite always runs under pytest
    class _DidNotRaise(Exception):
        pass


@dataclasses.dataclass(frozen=True)
class Defect:
    name: str
    title: str
    first_step: int  # the first step whose book code has it
    explanation: str  # one paragraph: what goes wrong and why
    fix: str
    present: Callable  # (adapter) -> bool, or a dict of fields that the probe saw (raises...)
    tests: tuple[str, ...] = ()  # the tests it makes fail (substrings of the test id)
    raises: type | tuple[type, ...] = AssertionError  # how they fail: the exception type
    attribute: str | None = None  # an AttributeError's missing attribute (exc.name)
    check: Callable | None = None  # (test_id, exception) -> bool: what else it must show
    last_step: int | None = None  # the last step whose book code has it (None: all later)

    def explains(self, test_id: str, exc: BaseException) -> bool:
        """Whether the failure `exc` of test `test_id` is this defect's doing."""
        if not any(name in test_id for name in self.tests):
            return False
        if not isinstance(exc, self.raises):
            return False
        if self.attribute is not None and getattr(exc, "name", None) != self.attribute:
            return False
        return self.check is None or bool(self.check(test_id, exc))

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "explanation": self.explanation,
                "fix": self.fix}


def _quietly(check):
    """A probe that says False, not crash, where the code is too different to tell."""
    def run(A):
        try:
            seen = check(A)
        except Exception:  # noqa: BLE001 - any failure to probe means "not recognised"
            return False
        return seen if isinstance(seen, dict) else bool(seen)
    return run


def _seen(err: BaseException) -> dict:
    """What a probe saw fail: the exception type, and an AttributeError's attribute."""
    seen = {"raises": type(err)}
    if isinstance(err, AttributeError) and getattr(err, "name", None):
        seen["attribute"] = err.name
    return seen


def _source(obj) -> str:
    return inspect.getsource(obj)


def _F(A):
    return A.module("functions")


# ---- the probes ------------------------------------------------------------------------------


def _leaf_backward_crashes(A):
    x = A.dz.Variable(np.array(1.0))
    if not A.has("seed-grad"):
        x.grad = np.array(1.0)
    try:
        x.backward()
    except Exception as err:  # noqa: BLE001 - whatever the code raises, the tests see too
        return _seen(err)
    return False


def _numerical_diff_rejects_zero_d(A):
    numerical_diff = A.fn("numerical_diff")
    # The book's own call (a 1-element array) works ...
    if not np.allclose(numerical_diff(A.square, A.var([2.0])), 4.0, atol=1e-6):
        return False
    try:  # ... and a 0-d one is refused: x.data - eps is a NumPy scalar, not an ndarray.
        numerical_diff(A.square, A.var(2.0))
    except TypeError:
        return True
    return False


def _backward_reads_input(A):
    # Step 11-12's backward still reads f.input, which variadic functions no longer have.
    x = A.var(2.0)
    y = A.call(A.scale_class(3.0), x)
    if not A.has("seed-grad"):
        y.grad = np.array(1.0)
    try:
        y.backward()
    except AttributeError as err:
        return getattr(err, "name", None) == "input"
    return False


def _numbers_promote_float32(A):
    x = A.dz.Variable(np.array([1.0, 2.0], dtype=np.float32))
    promoted = []
    for use in (lambda: x + 1.0, lambda: x * 2.0, lambda: 1.0 + x, lambda: 2.0 * x):
        try:
            promoted.append(np.asarray(use().data).dtype == np.float64)
        except Exception:  # noqa: BLE001 - one broken operator must not hide the others
            continue
    return any(promoted)


def _on_0d_inputs_only(exc) -> bool:
    """An op-table failure on 0-d inputs, raised only when every larger sample passed
    (test_ops._check_samples marks each failure with the shapes it failed on)."""
    shapes = getattr(exc, "sample_shapes", None)
    return shapes is not None and all(shape == () for shape in shapes)


def _float32_became_float64(test_id: str, err) -> bool:
    return isinstance(err, DtypeMismatch) and err.expected == np.float32 \
        and err.obtained == np.float64


def _dot_writes_a_variable_twice(A):
    x = A.var(1.0, name="x")
    y = A.add(x, x)
    text = A.module("utils").get_dot_graph(y)
    return text.count(f"{id(x)} [") > 1


def _broadcast_is_read_only(A):
    y = A.fn("broadcast_to")(A.var(np.ones(3)), (2, 3))
    return not A.data(y).flags.writeable


def _sum_along_a_tuple_crashes(A):
    x = A.var(np.ones((2, 3, 4)))
    y = A.fn("sum")(x, axis=(0, 2))
    try:
        y.backward()
    except TypeError:  # the book's reshape_sum_backward compares a tuple with 0
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


def _update_before_setup_crashes(A):
    try:
        A.module("optimizers").SGD().update()
    except AttributeError as err:
        return getattr(err, "name", None) == "params"  # self.target is None
    return False


def _variable_index_refused(A):
    x = A.var(np.arange(4.0))
    try:
        _F(A).get_item(x, A.dz.Variable(np.array([0, 2])))
    except IndexError:
        return True
    return False


def _conv_grad_w_backward_uses_weakref(A):
    F = _F(A)
    rng = np.random.default_rng(0)
    x, W = A.var(rng.normal(size=(1, 1, 3, 3))), A.var(rng.normal(size=(1, 1, 2, 2)))
    F.sum(F.conv2d(x, W)).backward(create_graph=True)
    gW = W.grad
    x.cleargrad()
    W.cleargrad()
    try:
        F.sum(gW * gW).backward()
    except TypeError:  # Conv2DGradW.backward takes self.outputs (weak references) as gW
        return True
    return False


def _rnn_h2h_takes_in_size(A):
    rnn = A.layers().RNN(3, in_size=2)
    return rnn.h2h.W.data is not None and rnn.h2h.W.data.shape[0] == 2


def _leaky_relu_zero_d_crashes(A):
    y = _F(A).leaky_relu(A.var(-1.0))
    try:
        y.backward()
    except TypeError:  # (x > 0) of a 0-d array is a NumPy scalar: no item assignment
        return True
    return False


def _freeze_param_after_the_list(A):
    optimizers = A.module("optimizers")
    layer = A.layers().Linear(1, in_size=2)
    optimizer = optimizers.SGD().setup(layer)
    optimizer.add_hook(optimizers.FreezeParam(layer))
    _F(A).sum(layer(np.ones((1, 2)))).backward()
    try:
        optimizer.update()
    except AttributeError as err:
        return getattr(err, "name", None) == "data"  # a frozen parameter's grad is None
    return False


def _resnet_uses_chainers_arguments(A):
    try:
        A.module("models").BottleneckB(8, 2)
    except TypeError:  # L.Conv2d(in, out, k, s, p, nobias=...) in Chainer's order
        return True
    return False


# Second-derivative rows of functions whose gradient can be the seed itself (a leaf):
# differentiating it again is a backward from a leaf.
_LINEAR_ROWS = tuple(f"test_second_derivative[{name}" for name in (
    "add-", "add broadcast", "a+b", "x+2.0", "2+x", "x+array", "a-b", "x-2", "sum-",
    "sum(", "x.sum(", "broadcast_to(", "sum_to(", "reshape(", "x.reshape(", "transpose",
    "x.T", "x.transpose(", "x[", "get_item", "-x"))

# The tests that backpropagate at steps 11-12 (the graded capabilities up to there).
_BACKPROP_TESTS = (
    "test_backward_walks_the_graph_by_itself", "test_backward_from_an_input_stops_at_once",
    "test_a_long_chain_backpropagates_in_bounded_stack_depth",
    "test_backward_seeds_ones_like_the_output", "test_backward_on_an_input_gives_one",
    "test_seed_keeps_the_output_dtype", "test_the_suites_gradcheck_reports_a_wrong_backward",
    "test_gradient_agrees_with_numerical_diff", "test_gradient[", "test_dtype_is_kept[",
    "test_each_gradient_has_its_inputs_shape[", "test_sum_of_squares",
    "test_backward_keeps_intermediate_gradients",
    "test_the_gradient_is_a_numpy_value_without_a_graph", "test_create_graph_is_not_accepted",
)

DEFECTS: tuple[Defect, ...] = (
    Defect(
        "leaf-backward", "backward() on a variable that no function made crashes", 7,
        "The book's backward starts from the variable's creator and never asks whether there "
        "is one, so x.backward() on an input (creator None) fails with "
        "\"'NoneType' object has no attribute ...\" instead of giving dx/dx = 1.",
        "Seed the gradient, then start the loop only if self.creator is not None.",
        _quietly(_leaf_backward_crashes),
        # Only where a test backpropagates from a leaf on purpose, or where the gradient
        # of a linear function (the seed itself, a leaf) is differentiated again, and only
        # as the probe saw it fail: the same failure elsewhere may be a real bug
        # (create_graph ignored, say).
        tests=("backward_from_an_input_stops_at_once", "backward_on_an_input_gives_one",
               "the_gradient_is_a_variable_without_a_graph_by_default",
               "core_simple_keeps_its_graph_and_memory_rules") + _LINEAR_ROWS),
    Defect(
        "numerical-diff-0d", "numerical_diff refuses a 0-d input", 9,
        "The book's numerical_diff makes Variable(x.data - eps); for a 0-d x that difference "
        "is a NumPy scalar, not an ndarray, and the step-9 Variable rejects it with a "
        "TypeError. The book only ever calls it on 1-element arrays (np.random.rand(1)).",
        "Wrap the shifted data with as_array: Variable(as_array(x.data - eps)).",
        _quietly(_numerical_diff_rejects_zero_d),
        tests=("test_numerical_diff_on_a_zero_d_input",), raises=TypeError),
    Defect(
        "backward-reads-input", "backward still reads f.input after functions became "
        "variadic", 11,
        "Steps 11 and 12 change Function to keep lists (self.inputs, self.outputs) but the "
        "book's programs keep step 10's backward, which reads f.input and f.output: every "
        "backward fails with \"object has no attribute 'input'\". Step 13 rewrites it.",
        "Loop over f.outputs' gradients and f.inputs, as step 13's backward does.",
        _quietly(_backward_reads_input), last_step=12,
        tests=_BACKPROP_TESTS, raises=AttributeError, attribute="input"),
    Defect(
        "float32-promotion", "a Python number turns float32 data into float64 (NumPy 2)", 21,
        "The book's as_array makes np.array(2.0) of a Python number: a float64 array, which "
        "NumPy 2 no longer treats as a weak scalar, so float32 data meeting it becomes "
        "float64, and so do its gradients (the book's MLP step runs about 2x slower for it).",
        "as_array(x, like=v): give the number the dtype np.result_type(v.dtype, x).",
        _quietly(_numbers_promote_float32),
        # Every dtype check of the suite raises DtypeMismatch (dtype_check.py), in any
        # test; explained only if float32 was expected and float64 obtained.
        tests=("",), raises=AssertionError, check=_float32_became_float64),
    Defect(
        "dot-once-per-use", "get_dot_graph writes a variable once per use", 26,
        "The book's get_dot_graph writes a variable's node each time a function uses it, so "
        "a variable used twice appears twice in the DOT text (graphviz draws it once).",
        "Remember which variables were written (a set of ids) and write each once.",
        _quietly(_dot_writes_a_variable_twice), tests=("each_node_is_written_once",)),
    Defect(
        "dot-shell", "plot_dot_graph runs dot through a shell and ignores its errors", 26,
        "The book builds a shell command string and runs it with shell=True without checking "
        "the exit status, so a missing dot or an unknown format is silent (and a file name "
        "with a space breaks the command).",
        "Run [dot, '-T' + ext, dot_file, '-o', to_file] without a shell and raise on failure.",
        _quietly(lambda A: "shell=True" in _source(A.module("utils").plot_dot_graph)),
        tests=("a_file_name_without_extension_is_rejected",
               "an_unknown_format_reports_dots_complaint",
               "in_a_notebook_the_picture_is_returned_for_display"),
        raises=(AssertionError, _DidNotRaise, TypeError, ValueError, OSError)),
    Defect(
        "notebook-svg", "in a notebook, an .svg picture raises", 26,
        "The book returns IPython's display.Image for any picture; Image embeds raster "
        "pictures only and raises on an .svg.",
        "Return display.SVG for an .svg, display.Image for raster pictures, else None.",
        _quietly(lambda A: "SVG" not in _source(A.module("utils").plot_dot_graph)),
        tests=("in_a_notebook_an_svg_is_shown_as_svg",),
        raises=(AssertionError, ValueError, TypeError)),
    Defect(
        "broadcast-read-only", "broadcast_to returns numpy's read-only view", 40,
        "np.broadcast_to returns a view that cannot be written, and the book keeps it as the "
        "result; a gradient changed in place (an optimizer hook) then raises.",
        "Copy the broadcast array (np.broadcast_to(x, shape).copy()).",
        _quietly(_broadcast_is_read_only), tests=("broadcast_result_is_an_array_of_its_own",),
        raises=(ValueError, AssertionError)),
    Defect(
        "sum-axis-tuple", "sum over a tuple of axes fails in backward", 39,
        "The book's reshape_sum_backward tests hasattr(axis, 'len') (not '__len__'), so a "
        "tuple of axes is taken for one axis and the reshape fails.",
        "Test isinstance(axis, tuple) (or hasattr(axis, '__len__')).",
        _quietly(_sum_along_a_tuple_crashes),
        tests=("sum_along_axes_agrees_with_numpy", "[sum(axis=(0,2))"), raises=TypeError),
    Defect(
        "mse-broadcast-gradient", "mean_squared_error's gradient ignores broadcasting", 42,
        "The book's MeanSquaredError.backward returns gy * diff * 2/N for both inputs without "
        "summing them back to the inputs' shapes, so a broadcast input gets a gradient of the "
        "wrong shape.",
        "sum_to each gradient to its input's shape, as Add and Sub do from step 40.",
        _quietly(_mse_gradient_not_summed),
        tests=("test_gradient[mean_squared_error-",
               "test_each_gradient_has_its_inputs_shape[mean_squared_error-",
               "test_second_derivative[mean_squared_error-"),
        raises=(ValueError, AssertionError)),
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
    Defect(
        "update-before-setup", "an optimizer used before setup() crashes on None", 46,
        "The book's Optimizer starts with target None and update() reads "
        "self.target.params() without asking, so an optimizer used before setup() fails "
        "with \"'NoneType' object has no attribute 'params'\" rather than saying what is "
        "missing.",
        "In update(), raise an error naming setup() when self.target is None.",
        _quietly(_update_before_setup_crashes),
        tests=("test_update_before_setup_says_what_is_missing",),
        raises=AttributeError, attribute="params"),
    Defect(
        "variable-index", "an index held in a Variable is refused", 47,
        "The book's get_item passes its slices to NumPy as they are; a Variable holding the "
        "indices is not an index NumPy knows, so x[Variable(idx)] raises IndexError.",
        "Unwrap a Variable index to its data before indexing (in GetItem and its gradient).",
        _quietly(_variable_index_refused),
        tests=("test_get_item_takes_an_index_held_in_a_variable",), raises=IndexError),
    Defect(
        "conv-grad-w-weakref", "conv2d's second derivative uses a weak reference as data",
        57,
        "The book's Conv2DGradW.backward takes gW from self.outputs, which hold weak "
        "references since step 17, and passes it to deconv2d and conv2d: differentiating "
        "conv2d (or deconv2d) twice fails with \"<class 'weakref.ReferenceType'> is not "
        "supported\".",
        "Dereference the output (gW = self.outputs[0]()), or better use the incoming "
        "gradient gys.",
        _quietly(_conv_grad_w_backward_uses_weakref),
        tests=("test_second_derivative[conv2d", "test_second_derivative[deconv2d"),
        raises=TypeError),
    Defect(
        "rnn-in-size", "L.RNN(hidden, in_size=n) gives h2h the input's size", 59,
        "The book's RNN builds h2h = Linear(hidden_size, in_size=in_size): the hidden-to-"
        "hidden weights take the input's size, so an RNN given in_size different from "
        "hidden_size fails at its second step (shapes not aligned). Without in_size it "
        "works, which is how the book calls it.",
        "h2h = Linear(hidden_size, in_size=hidden_size, nobias=True).",
        _quietly(_rnn_h2h_takes_in_size),
        tests=("test_the_gradient_through_time_matches_the_numerical_one",),
        raises=ValueError),
    Defect(
        "leaky-relu-0d", "leaky_relu's backward fails on a 0-d input", 60,
        "The book's LeakyReLU.backward builds its mask as (x.data > 0).astype(...), which "
        "for a 0-d array is a NumPy scalar, and then assigns into it: \"'numpy.float64' "
        "object does not support item assignment\".",
        "Build the mask with np.where(x.data > 0, 1, slope).astype(gy.dtype).",
        _quietly(_leaky_relu_zero_d_crashes), tests=("[leaky_relu",), raises=TypeError,
        check=lambda test_id, exc: _on_0d_inputs_only(exc)),
    Defect(
        "freeze-param-order", "FreezeParam leaves parameters that update() then reads", 60,
        "The book's Optimizer.update lists the parameters with a gradient before it runs "
        "the hooks; FreezeParam then sets their grad to None, and update_one reads "
        "param.grad.data: \"'NoneType' object has no attribute 'data'\".",
        "Run the hooks first, then list the parameters whose grad is not None.",
        _quietly(_freeze_param_after_the_list),
        tests=("test_freeze_param_keeps_the_frozen_layers_and_parameters_as_they_are",),
        raises=AttributeError, attribute="data"),
    Defect(
        "resnet-chainer-arguments", "ResNet's convolutions take Chainer's arguments", 60,
        "The book's models.ResNet and its bottlenecks were ported from Chainer and call "
        "L.Conv2d(in_channels, out_channels, ksize, stride, pad, ...), but DeZero's Conv2d "
        "is Conv2d(out_channels, kernel_size, stride, pad, nobias, ...): conv1 gets 3 output "
        "channels and the bottlenecks pass nobias twice (TypeError).",
        "Call L.Conv2d(out_channels, kernel_size, stride, pad, nobias=...) with in_channels "
        "by keyword.",
        _quietly(_resnet_uses_chainers_arguments),
        tests=("test_resnet_has_the_books_four_stages_and_n_layers",
               "test_resnets_forward_around_its_blocks",
               "test_a_building_block_is_one_bottleneck_a_then_bottleneck_bs",
               "test_bottleneck_blocks_add_their_input_back_through_the_shortcut"),
        raises=(AssertionError, TypeError, ValueError)),
)


def present_in(A, step: int) -> list[Defect]:
    """The defects that the code bound to adapter A, graded as `step`, has: each probed on
    it, with what its probe saw (the exception type, the attribute) filled in."""
    found = []
    for defect in DEFECTS:
        if defect.first_step > step or (defect.last_step is not None
                                        and step > defect.last_step):
            continue
        seen = defect.present(A)
        if isinstance(seen, dict):
            found.append(dataclasses.replace(defect, **seen))
        elif seen:
            found.append(defect)
    return found
