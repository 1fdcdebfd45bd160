"""Steps 44-45: Parameter, layers that collect their parameters, models and MLP.

A layer's parameters are checked by identity against the ones the test set; L.Linear's
initial weights against the same draw from a seeded np.random, made here; a model's output
against the same network computed in numpy from its parameters.
"""

import shutil
import weakref

import numpy as np
import pytest

from . import adapter as A
from . import dotparse
from .dtype_check import expect_dtype
from .memory_probe import gc_disabled, graph_refs

cap = pytest.mark.capability
DOT = shutil.which("dot")


def F():
    return A.module("functions")


def L():
    return A.layers()


def _ids(params):
    return sorted(id(p) for p in params)


def _param(value, dtype=np.float64):
    return A.fn("Parameter")(np.array(value, dtype=dtype))


def _sigmoid(h):
    return 1 / (1 + np.exp(-h))


# ---- before step 44 -----------------------------------------------------------------------


@cap("no-layers")
def test_there_is_no_parameter_and_no_layers_module():
    assert not hasattr(A.dz, "Parameter")
    assert not hasattr(A.dz, "Layer")
    if A.has("package-layout"):
        assert A.module("layers") is None


# ---- step 44: Parameter, Layer, L.Linear --------------------------------------------------


@cap("parameter")
def test_a_parameter_is_a_variable_and_computes_like_one():
    p = _param([1.0, 2.0])
    assert isinstance(p, A.dz.Variable)
    y = p * 3 + A.var([1.0, 1.0])
    np.testing.assert_array_equal(y.data, [4.0, 7.0])
    assert not isinstance(y, A.fn("Parameter")), "a result is a Variable, not a parameter"
    A.backward(y)
    np.testing.assert_array_equal(A.grad(p), [3.0, 3.0])


@cap("layer")
def test_a_layer_collects_exactly_the_parameters_set_as_attributes():
    layer = A.fn("Layer")()
    layer.p1 = _param(1.0)
    layer.p2 = _param(2.0)
    layer.v = A.var(3.0)  # a Variable, not a Parameter: not learned
    layer.n = 4
    assert _ids(layer.params()) == _ids([layer.p1, layer.p2])
    layer.p1 = _param(5.0)  # replaced: the new one is collected, once
    assert _ids(layer.params()) == _ids([layer.p1, layer.p2])


@cap("layer")
def test_an_attribute_that_no_longer_holds_a_parameter_is_not_collected():
    layer = A.fn("Layer")()
    layer.p = _param(1.0)
    layer.q = _param(2.0)
    layer.p = None
    assert _ids(layer.params()) == _ids([layer.q])
    layer.cleargrads()  # nothing to stumble on


@cap("layer")
def test_cleargrads_clears_every_parameter():
    layer = A.fn("Layer")()
    layer.a, layer.b = _param([1.0, 2.0]), _param(3.0)
    y = F().sum(layer.a * layer.b)
    A.backward(y)
    assert A.grad(layer.a) is not None and float(A.grad(layer.b)) == 3.0
    layer.cleargrads()
    assert layer.a.grad is None and layer.b.grad is None


@cap("layer")
def test_a_layer_without_super_init_cannot_hold_parameters():
    class Broken(A.fn("Layer")):
        def __init__(self):
            self.W = _param(1.0)  # before Layer.__init__: nowhere to record it

    with pytest.raises(AttributeError):
        Broken()


@cap("layer")
def test_calling_a_layer_runs_forward_and_keeps_weak_references():
    class Double(A.fn("Layer")):
        def forward(self, x):
            return 2 * x

    class Split(A.fn("Layer")):
        def forward(self, x):
            return x * 1, x * -1

    x = A.var([1.0, 2.0])
    double, split = Double(), Split()
    y = double(x)
    np.testing.assert_array_equal(y.data, [2.0, 4.0])
    assert [r() for r in double.inputs] == [x] and [r() for r in double.outputs] == [y]
    assert all(isinstance(r, weakref.ref) for r in double.inputs + double.outputs)
    a, b = split(x)
    np.testing.assert_array_equal(b.data, [-1.0, -2.0])
    with pytest.raises(NotImplementedError):
        A.fn("Layer")()(x)


@cap("linear-layer")
def test_linear_finds_its_input_size_at_the_first_call():
    layer = L().Linear(3)
    assert layer.W.data is None
    np.random.seed(0)
    x = np.ones((2, 4), dtype=np.float32)
    y = layer(x)
    assert y.shape == (2, 3) and layer.W.shape == (4, 3)
    # W ~ randn(in, out) * sqrt(1 / in): the same draw from the same seed, in float64.
    np.random.seed(0)
    expected = np.random.randn(4, 3) * np.sqrt(1 / 4)
    np.testing.assert_allclose(layer.W.data, expected, rtol=1e-6)
    np.testing.assert_array_equal(layer.b.data, np.zeros(3))
    np.testing.assert_allclose(y.data, x @ expected, rtol=1e-5)
    assert _ids(layer.params()) == _ids([layer.W, layer.b])


@cap("linear-layer")
def test_linear_with_in_size_draws_at_once_and_nobias_has_no_b():
    np.random.seed(1)
    layer = L().Linear(2, nobias=True, in_size=5, dtype=np.float64)
    np.random.seed(1)
    np.testing.assert_allclose(layer.W.data, np.random.randn(5, 2) * np.sqrt(1 / 5),
                               rtol=1e-15)
    assert layer.W.dtype == np.float64 and layer.b is None
    assert _ids(layer.params()) == _ids([layer.W])
    x = np.arange(10.0).reshape(2, 5)
    np.testing.assert_allclose(layer(x).data, x @ layer.W.data, rtol=1e-14)


@pytest.mark.convention("an error names the operation")
@cap("linear-layer")
@pytest.mark.parametrize("shape", [(4,), (2, 3)], ids=str)
def test_linear_refuses_an_input_of_the_wrong_shape_naming_linear(shape):
    layer = L().Linear(2, in_size=4)
    with pytest.raises(ValueError, match="Linear"):
        layer(np.ones(shape, dtype=np.float32))


@cap("float32-model")
def test_float32_data_trains_in_float32_end_to_end():
    np.random.seed(0)
    l1, l2 = L().Linear(5), L().Linear(1)
    x = np.random.rand(8, 3).astype(np.float32)
    t = np.random.rand(8, 1).astype(np.float32)
    y = l2(F().sigmoid(l1(x)))
    loss = F().mean_squared_error(y, t)
    loss.backward()
    expect_dtype(y, np.float32, "the model's output")
    expect_dtype(loss, np.float32, "the loss")
    for p in list(l1.params()) + list(l2.params()):
        expect_dtype(p, np.float32, "a parameter")
        expect_dtype(A.grad(p), np.float32, "a parameter's gradient")
        p.data -= 0.1 * A.grad(p)
        expect_dtype(p, np.float32, "an updated parameter")


@cap("training-memory")
def test_after_a_training_step_the_dropped_loss_frees_its_whole_graph():
    np.random.seed(0)
    l1, l2 = L().Linear(4), L().Linear(1)
    x, t = np.random.rand(6, 2), np.random.rand(6, 1)
    with gc_disabled():
        y = l2(F().sigmoid(l1(x)))
        loss = F().mean_squared_error(y, t)
        for layer in (l1, l2):
            layer.cleargrads()
        loss.backward()
        for p in list(l1.params()) + list(l2.params()):
            p.data -= 0.1 * A.grad(p)
        refs = [weakref.ref(loss)] + graph_refs(loss)
        assert len(refs) >= 7  # loss, MSE, y, Linear, Sigmoid, ..., the first Linear
        del y, loss
        assert [r() for r in refs] == [None] * len(refs)
        # The layers remember their last call only weakly.
        assert l2.outputs[0]() is None


# ---- step 45: layers of layers, Model, MLP -------------------------------------------------


@cap("nested-layers")
def test_parameters_of_layers_inside_layers_are_collected():
    outer = A.fn("Layer")()
    outer.l1 = L().Linear(3, in_size=2)
    inner = A.fn("Layer")()
    inner.l2 = L().Linear(1, in_size=3)
    inner.scale = _param(2.0)
    outer.inner = inner
    outer.bias = _param(0.5)
    expected = [outer.l1.W, outer.l1.b, inner.l2.W, inner.l2.b, inner.scale, outer.bias]
    assert _ids(outer.params()) == _ids(expected)
    y = F().sum(inner.l2(outer.l1(np.ones((1, 2)))) * inner.scale + outer.bias)
    A.backward(y)
    assert all(p.grad is not None for p in expected)
    outer.cleargrads()
    assert all(p.grad is None for p in expected)


@cap("model")
def test_mlp_builds_its_layers_and_computes_the_numpy_network():
    np.random.seed(0)
    model = A.fn("MLP")((10, 3))
    assert isinstance(model, A.fn("Model")) and isinstance(model, A.fn("Layer"))
    x = np.random.rand(5, 2)
    y = model(x)
    assert y.shape == (5, 3)
    linears = [v for v in vars(model).values() if isinstance(v, L().Linear)]
    assert [layer.W.shape for layer in linears] == [(2, 10), (10, 3)]
    (W0, b0), (W1, b1) = [(layer.W.data, layer.b.data) for layer in linears]
    expected = _sigmoid(x @ W0 + b0) @ W1 + b1  # sigmoid between layers, none after
    np.testing.assert_allclose(y.data, expected, rtol=1e-5)
    assert _ids(model.params()) == _ids([linears[0].W, linears[0].b,
                                         linears[1].W, linears[1].b])


@cap("model")
def test_mlp_takes_an_activation_and_any_depth():
    np.random.seed(0)
    model = A.fn("MLP")((4, 4, 2), activation=F().tanh)
    x = np.random.rand(3, 2)
    y = model(x)
    linears = [v for v in vars(model).values() if isinstance(v, L().Linear)]
    assert len(linears) == 3
    h = x
    for i, layer in enumerate(linears):
        h = h @ layer.W.data + layer.b.data
        if i < 2:
            h = np.tanh(h)
    np.testing.assert_allclose(y.data, h, rtol=1e-5)
    assert len(list(model.params())) == 6


@pytest.mark.convention("an error names the operation")
@cap("model")
def test_mlp_without_layers_names_mlp():
    with pytest.raises(ValueError, match="MLP"):
        A.fn("MLP")(())


@pytest.mark.convention("the stages write the .dot text beside the picture")
@cap("model")
def test_model_plot_draws_the_graph_of_a_forward_pass(tmp_path):
    class TwoLayer(A.fn("Model")):
        def __init__(self):
            super().__init__()
            self.l1 = L().Linear(3)
            self.l2 = L().Linear(1)

        def forward(self, x):
            return self.l2(F().sigmoid(self.l1(x)))

    np.random.seed(0)
    model = TwoLayer()
    to_file = tmp_path / "model.png"
    x = A.var(np.random.rand(4, 2), name="x")
    if DOT is None:
        with pytest.raises(RuntimeError, match="graphviz"):
            model.plot(x, to_file=str(to_file))
    else:
        model.plot(x, to_file=str(to_file))
        assert to_file.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    graph = dotparse.parse((tmp_path / "model.dot").read_text())
    functions = [graph.label(n) for n, attrs in graph.nodes.items()
                 if attrs.get("shape") == "box"]
    assert sorted(functions) == ["Linear", "Linear", "Sigmoid"]
    if DOT is None:
        pytest.skip("graphviz's `dot` is not installed: only the DOT text was checked")
