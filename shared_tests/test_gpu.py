"""Step 52: dezero.cuda, with CuPy optional.

Three kinds of test, three capabilities:

- cuda-cpu: what every machine can check. Without CuPy (or a GPU) gpu_enable is False,
  numpy is the array module of everything, to_cpu changes nothing and whatever would move
  data to a GPU raises an error that says CuPy is missing.
- array-module: the bookkeeping of the xp code, with a *stand-in* for CuPy written here
  (StandInCupy: numpy in disguise, its arrays a numpy subclass). It shows that functions,
  layers, optimizers and loaders make their arrays with the module of their input, and
  that to_gpu/to_cpu move them; it says nothing about a GPU, and nothing runs on one.
- gpu: the real thing, with CuPy and a CUDA device. Skipped elsewhere with the reason
  "CuPy/CUDA not available", so the report shows it as not tested there.
"""

import sys
import types

import numpy as np
import pytest

from . import adapter as A

cap = pytest.mark.capability

NO_GPU = "CuPy/CUDA not available"


def cuda():
    return A.module("cuda")


def F():
    return A.module("functions")


def _mlp_and_data(seed=0):
    np.random.seed(seed)
    model = A.fn("MLP")((5, 3))
    x = np.random.rand(4, 2)
    t = np.array([0, 2, 1, 2])
    return model, x, t


# ---- before step 52 -----------------------------------------------------------------------


@cap("no-cuda")
def test_there_is_no_cuda_module_and_no_to_gpu():
    assert A.module("cuda") is None
    x = A.var([1.0])
    assert not hasattr(x, "to_gpu") and not hasattr(x, "to_cpu")


# ---- cuda-cpu: what runs on any machine ---------------------------------------------------


def _without_gpu():
    if cuda().gpu_enable:
        pytest.skip("CuPy and a GPU are here: the CPU-only behaviour cannot be seen")


@cap("cuda-cpu")
def test_without_a_gpu_numpy_is_the_module_of_every_array():
    _without_gpu()
    assert cuda().gpu_enable is False
    get = cuda().get_array_module
    assert get(np.ones(2)) is np
    assert get(A.var([1.0, 2.0])) is np
    assert get(np.float32(1.0)) is np and get(3) is np


@cap("cuda-cpu")
def test_as_numpy_leaves_numpy_arrays_alone_and_makes_numbers_arrays():
    a = np.arange(3.0)
    assert cuda().as_numpy(a) is a
    assert cuda().as_numpy(A.dz.Variable(a)) is a
    b = cuda().as_numpy(2.5)
    assert isinstance(b, np.ndarray) and b.shape == () and b == 2.5


@cap("cuda-cpu")
def test_without_a_gpu_as_cupy_and_to_gpu_say_cupy_is_missing():
    _without_gpu()
    with pytest.raises(Exception, match="CuPy"):
        cuda().as_cupy(np.ones(2))
    x = A.var([1.0, 2.0])
    data = x.data
    with pytest.raises(Exception, match="CuPy"):
        x.to_gpu()
    assert x.data is data
    model, inputs, _ = _mlp_and_data()
    model(inputs)
    before = [p.data for p in model.params()]
    with pytest.raises(Exception, match="CuPy"):
        model.to_gpu()
    assert [p.data for p in model.params()] == before  # the very same arrays


@pytest.mark.convention("an error names the operation")
@cap("cuda-cpu")
def test_without_a_gpu_each_refusal_is_a_runtime_error_naming_the_operation():
    _without_gpu()
    with pytest.raises(RuntimeError, match="as_cupy: CuPy/CUDA is not available"):
        cuda().as_cupy(np.ones(2))
    with pytest.raises(RuntimeError, match="to_gpu"):
        A.dz.Variable(None).to_gpu()  # no data yet: refused all the same
    with pytest.raises(RuntimeError, match="to_gpu"):
        A.fn("Layer")().to_gpu()  # no parameters: refused all the same
    # Refused where the mistake is made, not at the first batch (the book's loader
    # fails only there, and without saying why).
    with pytest.raises(RuntimeError, match=r"DataLoader\(gpu=True\)"):
        A.fn("DataLoader")(A.fn("Spiral")(), 10, gpu=True)
    loader = A.fn("DataLoader")(A.fn("Spiral")(), 10)
    with pytest.raises(RuntimeError, match="to_gpu"):
        loader.to_gpu()
    assert type(loader.next()[0]) is np.ndarray
    with pytest.raises(TypeError, match="as_numpy"):
        cuda().as_numpy([1.0, 2.0])


@cap("cuda-cpu")
def test_to_cpu_on_the_cpu_changes_nothing():
    x = A.var([1.0, 2.0])
    data = x.data
    x.to_cpu()
    assert x.data is data
    A.dz.Variable(None).to_cpu()
    model, inputs, _ = _mlp_and_data()
    y0 = model(inputs).data
    before = [p.data for p in model.params()]
    model.to_cpu()
    assert [p.data for p in model.params()] == before
    np.testing.assert_array_equal(model(inputs).data, y0)
    loader = A.fn("DataLoader")(A.fn("Spiral")(), 10)
    loader.to_cpu()
    assert type(loader.next()[0]) is np.ndarray


@pytest.mark.convention("gpu_enable asks the driver for a device")
@cap("cuda-cpu")
@pytest.mark.parametrize("devices", [RuntimeError("no CUDA driver"), 0, 1], ids=repr)
def test_gpu_enable_is_true_only_when_cupy_imports_and_finds_a_device(devices, monkeypatch):
    # CuPy imports on machines without a GPU and fails at first use: a fresh copy of
    # dezero/cuda.py, importing a cupy whose driver has `devices` GPUs (or fails).
    def count():
        if isinstance(devices, Exception):
            raise devices
        return devices

    fake = types.ModuleType("cupy")
    fake.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=count))
    monkeypatch.setitem(sys.modules, "cupy", fake)
    monkeypatch.setitem(sys.modules, "cupyx", types.ModuleType("cupyx"))
    fresh = A.fresh_copy(cuda())
    assert fresh.gpu_enable is (devices == 1)
    assert (fresh.cupy is fake) is (devices == 1)


@pytest.mark.convention("gpu_enable asks the driver for a device")
@cap("cuda-cpu")
def test_without_cupy_installed_gpu_enable_is_false(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy raises ImportError
    assert A.fresh_copy(cuda()).gpu_enable is False


# ---- array-module: a stand-in for CuPy ----------------------------------------------------
#
# What the stand-in cannot show: to_cpu. as_numpy returns any numpy array as it is (the book's
# does too), and a StandInArray is one; only the values can be checked after to_cpu here. The
# gpu tests below check it for real.


class StandInArray(np.ndarray):
    """A numpy array playing a GPU array in these tests. It lives in main memory."""


def _stand_in(result):
    return result.view(StandInArray) if isinstance(result, np.ndarray) else result


def stand_in_cupy():
    """(cupy, cupyx) stand-ins, for tests only: numpy, with StandInArray results.

    They show which module the code asks for; nothing runs on a GPU.
    """
    module = types.ModuleType("stand_in_cupy", "numpy dressed as cupy, for tests only")

    def wrap(f):
        return lambda *args, **kwargs: _stand_in(f(*args, **kwargs))

    def module_getattr(name):  # xp.exp, xp.zeros_like, xp.float32, ...
        value = getattr(np, name)
        if callable(value) and not isinstance(value, (type, np.ufunc)):
            return wrap(value)
        return value  # ufuncs keep the subclass by themselves; types are types

    module.__getattr__ = module_getattr
    module.ndarray = StandInArray
    module.asarray = lambda x, dtype=None: _stand_in(np.array(x, dtype=dtype))  # a copy
    module.asnumpy = lambda x: np.array(x)
    module.get_array_module = lambda *xs: (
        module if any(isinstance(x, StandInArray) for x in xs) else np)
    module.random = types.SimpleNamespace(rand=wrap(np.random.rand),
                                          randn=wrap(np.random.randn))

    def scatter_add(a, slices, b):
        np.add.at(a, slices, b)

    module.scatter_add = scatter_add  # where older CuPy kept it (the book calls it so)
    cupyx = types.ModuleType("stand_in_cupyx")
    cupyx.scatter_add = scatter_add
    return module, cupyx


@pytest.fixture
def stand_in(monkeypatch):
    """dezero.cuda believing the stand-in is CuPy with a GPU; the stand-in module."""
    module, cupyx = stand_in_cupy()
    monkeypatch.setattr(cuda(), "gpu_enable", True)
    monkeypatch.setattr(cuda(), "cupy", module, raising=False)
    monkeypatch.setattr(cuda(), "cp", module, raising=False)  # the book's name for it
    monkeypatch.setattr(cuda(), "cupyx", cupyx, raising=False)
    return module


def _on_device(value):
    return type(A.data(value)) is StandInArray


@cap("array-module")
def test_to_gpu_copies_the_data_into_the_gpu_module(stand_in):
    a = np.array([1.0, -2.0])
    x = A.dz.Variable(a)
    x.to_gpu()
    assert _on_device(x) and x.data is not a
    np.testing.assert_array_equal(x.data, [1.0, -2.0])
    assert cuda().get_array_module(x) is stand_in
    assert cuda().get_array_module(a) is np
    y = F().exp(x) * 2 + 1
    assert _on_device(y)
    A.backward(y)
    assert _on_device(x.grad)  # the seed is made on the device too
    np.testing.assert_allclose(A.grad(x), 2 * np.exp(a), rtol=1e-15)
    # Repeated indices add their gradients with the GPU module's scatter_add.
    x.cleargrad()
    z = x[np.array([0, 0, 1])]
    A.backward(z)
    assert _on_device(x.grad)
    np.testing.assert_array_equal(A.grad(x), [2.0, 1.0])
    x.to_cpu()
    np.testing.assert_array_equal(x.data, a)


def _training(model, x, t, steps=2):
    """Loss after each of `steps` MomentumSGD steps of softmax cross entropy."""
    optimizer = A.fn("MomentumSGD")(lr=0.5).setup(model)
    losses = []
    for _ in range(steps):
        loss = F().softmax_cross_entropy(model(x), t)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        losses.append(loss)
    return losses


@cap("array-module")
def test_a_model_trained_on_the_gpu_module_stays_there_and_computes_as_on_the_cpu(stand_in):
    model, x, t = _mlp_and_data()
    cpu_losses = _training(model, x, t)
    # The same model on the "GPU": moved before its first call, so its weights are drawn
    # there, from the GPU module's generator (here numpy's, so the same weights).
    gpu_model, x, t = _mlp_and_data()
    gpu_model.to_gpu()
    gpu_losses = _training(gpu_model, stand_in.asarray(x), stand_in.asarray(t))
    for p in gpu_model.params():
        assert _on_device(p) and _on_device(p.grad), "a parameter or its gradient left"
    assert all(_on_device(loss) for loss in gpu_losses)
    np.testing.assert_allclose([float(v.data) for v in gpu_losses],
                               [float(v.data) for v in cpu_losses], rtol=1e-13)
    gpu_model.to_cpu()
    for p, q in zip(gpu_model.params(), model.params(), strict=True):
        np.testing.assert_allclose(p.data, q.data, rtol=1e-13)


@cap("array-module")
def test_a_loader_on_the_gpu_module_hands_out_its_arrays(stand_in):
    np.random.seed(3)
    cpu = [batch for batch in A.fn("DataLoader")(A.fn("Spiral")(), 100)]
    np.random.seed(3)
    loader = A.fn("DataLoader")(A.fn("Spiral")(), 100, gpu=True)
    gpu = list(loader)
    assert len(gpu) == len(cpu) == 3
    for (x, t), (x_cpu, t_cpu) in zip(gpu, cpu, strict=True):
        assert type(x) is StandInArray and type(t) is StandInArray
        np.testing.assert_array_equal(x, x_cpu)
        np.testing.assert_array_equal(t, t_cpu)
    loader.to_cpu()
    assert type(loader.next()[0]) is np.ndarray
    loader.to_gpu()
    assert type(loader.next()[0]) is StandInArray


# ---- gpu: CuPy and a CUDA device ----------------------------------------------------------


def _gpu():
    """The cupy module dezero uses, or a skip where there is none."""
    if A.module("cuda") is None or not cuda().gpu_enable:
        pytest.skip(NO_GPU)
    return getattr(cuda(), "cupy", None) or cuda().cp


@cap("gpu")
def test_a_variable_moves_to_the_gpu_and_back():
    cp = _gpu()
    a = np.array([[0.5, -1.0], [2.0, 3.0]])
    x = A.dz.Variable(a)
    x.to_gpu()
    assert isinstance(x.data, cp.ndarray)
    y = F().sin(x) * x
    assert isinstance(y.data, cp.ndarray)
    y.backward()
    assert isinstance(x.grad.data, cp.ndarray)
    np.testing.assert_allclose(cp.asnumpy(x.grad.data), np.cos(a) * a + np.sin(a),
                               rtol=1e-12)
    x.to_cpu()
    assert type(x.data) is np.ndarray
    np.testing.assert_array_equal(x.data, a)


@cap("gpu")
def test_a_training_step_on_the_gpu_computes_what_the_cpu_does():
    cp = _gpu()
    model, x, t = _mlp_and_data()
    gpu_model, _, _ = _mlp_and_data()
    model(x), gpu_model(x)  # weights drawn on the CPU, the same for both
    gpu_model.to_gpu()
    cpu_losses = _training(model, x, t)
    gpu_losses = _training(gpu_model, cp.asarray(x), cp.asarray(t))
    assert all(isinstance(p.data, cp.ndarray) for p in gpu_model.params())
    np.testing.assert_allclose([float(v.data) for v in gpu_losses],
                               [float(v.data) for v in cpu_losses], rtol=1e-10)
    gpu_model.to_cpu()
    for p, q in zip(gpu_model.params(), model.params(), strict=True):
        assert type(p.data) is np.ndarray
        np.testing.assert_allclose(p.data, q.data, rtol=1e-10, atol=1e-12)


@cap("gpu")
def test_a_loader_with_gpu_true_hands_out_gpu_arrays():
    cp = _gpu()
    x, t = next(iter(A.fn("DataLoader")(A.fn("Spiral")(), 10, gpu=True)))
    assert isinstance(x, cp.ndarray) and isinstance(t, cp.ndarray)
    assert x.shape == (10, 2)
