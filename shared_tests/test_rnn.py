"""Steps 59-60: recurrent layers, truncated backprop through time, sequence data.

Each layer's outputs are checked against its equations unrolled by hand in numpy with the
layer's own weights, and its weights against the book's order of draws from a seeded
np.random, reproduced here. Truncated BPTT is checked for memory with weak references
(the cyclic collector off) and tracemalloc, and for gradients against the same steps
started from a constant state.
"""

import gc
import math
import tracemalloc
import weakref

import numpy as np
import pytest

from . import adapter as A
from .memory_probe import gc_disabled

cap = pytest.mark.capability


def F():
    return A.module("functions")


def L():
    return A.layers()


def _draw(shape_in, shape_out):
    """The next Linear weight from numpy's generator, as L.Linear draws it (float32)."""
    return (np.random.randn(shape_in, shape_out).astype(np.float32)
            * np.float32(np.sqrt(1 / shape_in)))


def _sequence(T=4, N=2, D=3, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (T, N, D)).astype(np.float32)


def _tanh(h):
    return np.tanh(h)


def _sigmoid(h):
    return 1 / (1 + np.exp(-h))


# ---- before step 59 -----------------------------------------------------------------------


@cap("no-unchain")
def test_a_variable_cannot_cut_the_graph_behind_it():
    x = A.var(1.0)
    assert not hasattr(x, "unchain_backward") and not hasattr(x, "unchain")


# ---- step 59: RNN -------------------------------------------------------------------------


def rnn_reference(xs, Wx, b, Wh):
    """h_1 = tanh(x_1 Wx + b); h_t = tanh(x_t Wx + b + h_{t-1} Wh)."""
    hs, h = [], None
    for x in xs:
        a = x @ Wx + b
        h = _tanh(a if h is None else a + h @ Wh)
        hs.append(h)
    return hs


@cap("rnn")
def test_rnn_draws_x2h_at_the_first_call_and_h2h_at_the_second():
    np.random.seed(7)
    rnn = L().RNN(4)
    xs = _sequence()
    assert rnn.x2h.W.data is None and rnn.h2h.W.data is None
    rnn(xs[0])
    assert rnn.h2h.W.data is None  # no state yet: h2h not needed
    rnn(xs[1])
    np.random.seed(7)
    Wx, Wh = _draw(3, 4), _draw(4, 4)
    np.testing.assert_allclose(rnn.x2h.W.data, Wx, rtol=1e-6)
    np.testing.assert_allclose(rnn.h2h.W.data, Wh, rtol=1e-6)
    assert rnn.h2h.b is None  # h2h has no bias: x2h's is the only one


@cap("rnn")
def test_rnn_outputs_follow_its_equations_unrolled_by_hand():
    np.random.seed(0)
    rnn = L().RNN(4)
    xs = _sequence()
    hs = [rnn(x) for x in xs]
    expected = rnn_reference(xs, rnn.x2h.W.data, rnn.x2h.b.data, rnn.h2h.W.data)
    for t, (h, e) in enumerate(zip(hs, expected, strict=True)):
        np.testing.assert_allclose(h.data, e, rtol=1e-5, atol=1e-6, err_msg=f"step {t}")
    assert rnn.h is hs[-1]  # the state is the last output


@cap("rnn")
def test_the_gradient_through_time_matches_the_numerical_one():
    from .gradcheck import gradcheck

    np.random.seed(0)
    rnn = L().RNN(3, in_size=2)
    for p in rnn.params():
        p.data = p.data.astype(np.float64)
    xs = _sequence(3, 1, 2).astype(np.float64)

    def unrolled(x0):  # the first input's effect on every later state
        rnn.reset_state()
        h = rnn(x0)
        for x in xs[1:]:
            h = rnn(x) + h
        return h

    gradcheck(unrolled, xs[0])


@cap("rnn")
def test_reset_state_starts_a_new_sequence_without_new_weights():
    np.random.seed(1)
    rnn = L().RNN(4)
    xs = _sequence(seed=3)
    first = [rnn(x).data for x in xs]
    weights = [p.data for p in rnn.params()]
    rnn.reset_state()
    assert rnn.h is None
    again = [rnn(x).data for x in xs]
    assert [p.data for p in rnn.params()] == weights  # the same arrays: nothing re-drawn
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    # Without the reset, the state carries over: the first output differs.
    assert not np.allclose(rnn(xs[0]).data, first[0])


@pytest.mark.convention("the book sized h2h from in_size; the stages from hidden_size")
@cap("rnn")
def test_rnn_with_in_size_draws_both_weights_at_once_with_h2h_square():
    np.random.seed(2)
    rnn = L().RNN(4, in_size=3)
    np.random.seed(2)
    np.testing.assert_allclose(rnn.x2h.W.data, _draw(3, 4), rtol=1e-6)
    np.testing.assert_allclose(rnn.h2h.W.data, _draw(4, 4), rtol=1e-6)
    xs = _sequence()
    hs = [rnn(x).data for x in xs]
    expected = rnn_reference(xs, rnn.x2h.W.data, rnn.x2h.b.data, rnn.h2h.W.data)
    np.testing.assert_allclose(hs[-1], expected[-1], rtol=1e-5, atol=1e-6)


@cap("rnn")
def test_the_books_simple_rnn_is_an_rnn_with_a_linear_on_top():
    # SimpleRNN is the book's step-59 program's, not the package's.
    np.random.seed(0)
    model = _rnn_model(5, 2)
    xs = _sequence(3, 1, 1)
    ys = [model(x) for x in xs]
    rnn, fc = model.rnn, model.fc
    hs = rnn_reference(xs, rnn.x2h.W.data, rnn.x2h.b.data, rnn.h2h.W.data)
    for y, h in zip(ys, hs, strict=True):
        np.testing.assert_allclose(y.data, h @ fc.W.data + fc.b.data, rtol=1e-5, atol=1e-6)
    assert len(list(model.params())) == 5  # x2h W, b; h2h W; fc W, b
    model.reset_state()
    assert rnn.h is None


# ---- step 59: truncated backprop through time ---------------------------------------------


@cap("unchain")
def test_unchain_forgets_the_creator_and_keeps_the_data():
    x = A.var([1.0, 2.0])
    x.unchain_backward()  # nothing behind an input: nothing to do
    assert x.creator is None
    y = x * 3
    y.unchain()
    assert y.creator is None
    np.testing.assert_array_equal(y.data, [3.0, 6.0])
    z = F().sum(y * y)
    A.backward(z)
    assert x.grad is None  # backprop stops at y
    np.testing.assert_array_equal(A.grad(y), [6.0, 12.0])


def _functions_behind(y):
    """Every function behind y, each once (a graph of an RNN reaches some many ways)."""
    found, todo = {}, [y.creator]
    while todo:
        f = todo.pop()
        if f is None or id(f) in found:
            continue
        found[id(f)] = f
        todo.extend(x.creator for x in f.inputs)
    return list(found.values())


def _rnn_model(hidden_size, out_size):
    """The book's step-59 model, written as its program writes it: an RNN, a Linear."""
    class SimpleRNN(A.fn("Model")):
        def __init__(self):
            super().__init__()
            self.rnn = L().RNN(hidden_size)
            self.fc = L().Linear(out_size)

        def reset_state(self):
            self.rnn.reset_state()

        def forward(self, x):
            return self.fc(self.rnn(x))

    return SimpleRNN()


def _loss_of(model, xs, ts):
    loss = 0
    for x, t in zip(xs, ts, strict=True):
        loss = loss + F().mean_squared_error(model(x), t)
    return loss


@cap("unchain")
def test_unchain_backward_frees_the_graph_behind_and_keeps_the_state_usable():
    np.random.seed(0)
    model = _rnn_model(4, 1)
    xs, ts = _sequence(6, 1, 1, seed=1), _sequence(6, 1, 1, seed=2)
    with gc_disabled():
        loss = _loss_of(model, xs, ts)
        model.cleargrads()
        loss.backward()
        functions = _functions_behind(loss)
        assert len(functions) > 20
        refs = [weakref.ref(f) for f in functions if f is not loss.creator]
        del functions
        loss.unchain_backward()
        assert loss.creator is not None  # the loss keeps its own creator
        assert all(x.creator is None for x in loss.creator.inputs)
        assert model.rnn.h.creator is None  # the state the next steps start from
        assert [r() for r in refs] == [None] * len(refs), "a function behind survived"


def _second_half_grads(unchain, constant_state=False):
    """Parameter gradients of the loss of steps 4-6 after steps 1-3 were backpropagated."""
    np.random.seed(0)
    model = _rnn_model(4, 1)
    xs, ts = _sequence(6, 1, 1, seed=1), _sequence(6, 1, 1, seed=2)
    loss = _loss_of(model, xs[:3], ts[:3])
    loss.backward()
    if unchain:
        loss.unchain_backward()
    if constant_state:  # the same numbers in a Variable that never had a creator
        model.rnn.h = A.dz.Variable(np.array(A.data(model.rnn.h)))
    model.cleargrads()
    _loss_of(model, xs[3:], ts[3:]).backward()
    return [A.grad(p) for p in model.params()]


@cap("unchain")
def test_after_unchain_backward_the_next_gradients_are_those_of_a_constant_state():
    truncated = _second_half_grads(unchain=True)
    for g, e in zip(truncated, _second_half_grads(False, constant_state=True), strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-6)
    # Without the cut the second backward runs through steps 1-3 again: other gradients.
    through = _second_half_grads(unchain=False)
    assert not all(np.allclose(g, e) for g, e in zip(truncated, through, strict=True))


@cap("unchain")
def test_memory_stays_flat_over_a_long_truncated_bptt_run():
    # Backprop every 10 steps, cut, go on from the state: 40 steps traced after 20 of
    # warming up. Without the cut the graph grows by about 1.5 kB a step here.
    np.random.seed(0)
    model = _rnn_model(3, 1)
    optimizer = A.fn("SGD")(lr=0.01).setup(model)
    x, t = np.ones((1, 1)), np.zeros((1, 1))
    loss, sizes = 0, []
    gc.freeze()  # what exists now is left out of the collections below: they are quick
    try:
        for i in range(1, 61):
            loss = loss + F().mean_squared_error(model(x), t)
            if i % 10 == 0:
                model.cleargrads()
                loss.backward()
                loss.unchain_backward()
                optimizer.update()
                loss = 0
            if i in (20, 60):
                # A full collection empties Python's free lists, which fill up to their
                # bound as the loop runs and would read as growth.
                gc.collect()
                if i == 20:
                    tracemalloc.start()
                sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
        gc.unfreeze()
    growth = sizes[1] - sizes[0]
    assert growth < 16 * 1024, f"memory grew by {growth} bytes over 40 steps"


# ---- step 59: SinCurve --------------------------------------------------------------------


@cap("sin-curve")
@pytest.mark.parametrize("train", [True, False], ids=["train", "test"])
def test_sin_curve_is_the_books_wave_labelled_with_the_next_point(train):
    np.random.seed(5)
    ds = A.fn("SinCurve")(train=train)
    after = np.random.rand()
    np.random.seed(5)
    x = np.linspace(0, 2 * np.pi, 1000)
    noise = np.random.uniform(-0.05, 0.05, size=1000)  # drawn for the test set too
    assert np.random.rand() == after
    y = np.sin(x) + noise if train else np.cos(x)
    assert len(ds) == 999
    assert ds.data.shape == ds.label.shape == (999, 1)
    assert ds.data.dtype == ds.label.dtype == np.float64
    np.testing.assert_allclose(ds.data[:, 0], y[:-1], rtol=1e-15)
    np.testing.assert_allclose(ds.label[:, 0], y[1:], rtol=1e-15)
    x0, t0 = ds[10]
    np.testing.assert_array_equal(x0, ds.data[10])
    np.testing.assert_array_equal(t0, ds.data[11])


# ---- step 60: LSTM and SeqDataLoader ------------------------------------------------------

GATES = ("f", "i", "o", "u")


def lstm_reference(xs, Wx, bx, Wh):
    """The LSTM's equations, one step at a time, from dicts of weights by gate:
    f, i, o = sigmoid(x Wx + b + h Wh), u = tanh(...); c = f c + i u (c = i u at first);
    h = o tanh(c)."""
    hs, h, c = [], None, None
    for x in xs:
        a = {g: x @ Wx[g] + bx[g] + (0 if h is None else h @ Wh[g]) for g in GATES}
        f, i, o, u = (_sigmoid(a["f"]), _sigmoid(a["i"]), _sigmoid(a["o"]),
                      _tanh(a["u"]))
        c = i * u if c is None else f * c + i * u
        h = o * _tanh(c)
        hs.append(h)
    return hs


def _lstm_weights(lstm):
    Wx = {g: getattr(lstm, f"x2{g}").W.data for g in GATES}
    bx = {g: getattr(lstm, f"x2{g}").b.data for g in GATES}
    Wh = {g: getattr(lstm, f"h2{g}").W.data for g in GATES}
    return Wx, bx, Wh


@cap("lstm")
def test_lstm_draws_h2h_at_construction_and_x2h_at_the_first_call_gate_by_gate():
    np.random.seed(11)
    lstm = L().LSTM(4)
    np.random.seed(11)
    Wh = {g: _draw(4, 4) for g in GATES}
    for g in GATES:
        np.testing.assert_allclose(getattr(lstm, f"h2{g}").W.data, Wh[g], rtol=1e-6,
                                   err_msg=f"h2{g}")
        assert getattr(lstm, f"h2{g}").b is None
        assert getattr(lstm, f"x2{g}").W.data is None
    state = np.random.get_state()
    lstm(_sequence()[0])
    np.random.set_state(state)
    for g in GATES:
        np.testing.assert_allclose(getattr(lstm, f"x2{g}").W.data, _draw(3, 4), rtol=1e-6,
                                   err_msg=f"x2{g}")


@cap("lstm")
def test_lstm_outputs_follow_its_equations_unrolled_by_hand():
    np.random.seed(0)
    lstm = L().LSTM(4)
    xs = _sequence()
    hs = [lstm(x) for x in xs]
    expected = lstm_reference(xs, *_lstm_weights(lstm))
    for t, (h, e) in enumerate(zip(hs, expected, strict=True)):
        np.testing.assert_allclose(h.data, e, rtol=1e-5, atol=1e-6, err_msg=f"step {t}")
    assert lstm.h is hs[-1]
    lstm.reset_state()
    assert lstm.h is None and lstm.c is None
    np.testing.assert_allclose(lstm(xs[0]).data, expected[0], rtol=1e-5, atol=1e-6)


@cap("lstm")
def test_lstm_backprop_through_time_matches_the_numerical_gradient():
    from .gradcheck import gradcheck

    np.random.seed(3)
    lstm = L().LSTM(2, in_size=2)
    for p in lstm.params():
        p.data = p.data.astype(np.float64)
    xs = _sequence(3, 1, 2).astype(np.float64)

    def unrolled(x0):
        lstm.reset_state()
        h = lstm(x0)
        for x in xs[1:]:
            h = lstm(x)
        return h

    gradcheck(unrolled, xs[0])


def _counting(n):
    class Counting(A.fn("Dataset")):
        def prepare(self):
            self.data = np.arange(n, dtype=np.float64)[:, None]
            self.label = np.arange(n) * 10

    return Counting()


@cap("seq-dataloader")
def test_seq_dataloader_batch_i_of_iteration_t_is_index_i_jump_plus_t():
    for n, batch_size in [(10, 3), (12, 4), (7, 7), (5, 1)]:
        loader = A.fn("SeqDataLoader")(_counting(n), batch_size)
        batches = list(loader)
        assert len(batches) == math.ceil(n / batch_size)
        jump = n // batch_size
        for t, (x, label) in enumerate(batches):
            expected = [(i * jump + t) % n for i in range(batch_size)]
            where = f"{n} examples in batches of {batch_size}, iteration {t}"
            np.testing.assert_array_equal(x[:, 0], expected, err_msg=where)
            np.testing.assert_array_equal(label, np.array(expected) * 10, err_msg=where)
        # No shuffle: the next epoch is the same.
        assert [b[0].tolist() for b in loader] == [b[0].tolist() for b in batches]


@pytest.mark.convention("an error names the operation")
@cap("seq-dataloader")
def test_a_batch_larger_than_the_sequence_names_seq_dataloader():
    with pytest.raises(ValueError, match="SeqDataLoader"):
        A.fn("SeqDataLoader")(_counting(3), 4)
