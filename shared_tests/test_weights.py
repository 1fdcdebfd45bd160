"""Step 53: save_weights and load_weights.

The file is read back here with numpy and zipfile, not with the stage's loader: its names
(l0/W, l0/b, ...) and arrays against the model's own. Every bad file must leave the model
exactly as it was: the same Parameter objects holding the very same arrays, unchanged.
"""

import os
import pickle
import zipfile

import numpy as np
import pytest

from . import adapter as A

cap = pytest.mark.capability
checked = pytest.mark.convention("a bad weight file is refused, naming the parameter, "
                                 "with the model left as it was")


def _model(seed=0, sizes=(4, 3)):
    """An MLP whose weights exist (one call made), and the input it was called with."""
    np.random.seed(seed)
    model = A.fn("MLP")(sizes)
    x = np.random.rand(5, 2)
    model(x)
    return model, x


def _params(model):
    """{name: parameter} by the book's naming: attribute path joined with '/'."""
    out = {}
    for name, value in vars(model).items():
        if isinstance(value, A.fn("Layer")):
            for key, p in _params(value).items():
                out[f"{name}/{key}"] = p
        elif isinstance(value, A.fn("Parameter")):
            out[name] = value
    return out


def _snapshot(model):
    return [(key, p, p.data, p.data.copy()) for key, p in sorted(_params(model).items())]


def _assert_unchanged(model, snapshot):
    now = sorted(_params(model).items())
    assert [key for key, _ in now] == [key for key, *_ in snapshot]
    for (key, p), (_, p0, data0, copy0) in zip(now, snapshot, strict=True):
        assert p is p0, f"{key}: the Parameter was replaced"
        assert p.data is data0, f"{key}: the parameter's array was replaced"
        assert p.data.dtype == copy0.dtype and p.data.shape == copy0.shape, key
        np.testing.assert_array_equal(p.data, copy0, err_msg=f"{key} was changed")


def _saved(tmp_path, model=None, name="w.npz"):
    model = model or _model()[0]
    path = tmp_path / name
    model.save_weights(str(path))
    return path


def _write_npz(path, arrays, pickled=False):
    (np.savez if pickled else np.savez_compressed)(str(path), **arrays)
    return path


def _arrays(path):
    with np.load(str(path)) as npz:
        return {key: npz[key] for key in npz.files}


# ---- before step 53 -----------------------------------------------------------------------


@cap("no-weight-files")
def test_a_layer_has_no_save_weights_or_load_weights():
    layer = A.fn("Layer")()
    assert not hasattr(layer, "save_weights") and not hasattr(layer, "load_weights")


# ---- step 53: saving and loading ----------------------------------------------------------


@cap("save-load")
def test_save_weights_writes_every_parameter_under_its_path(tmp_path):
    model, _ = _model()
    path = _saved(tmp_path, model)
    arrays = _arrays(path)
    params = _params(model)
    assert sorted(arrays) == sorted(params) == ["l0/W", "l0/b", "l1/W", "l1/b"]
    for key, p in params.items():
        assert arrays[key].dtype == p.data.dtype, key
        np.testing.assert_array_equal(arrays[key], p.data, err_msg=key)


@cap("save-load")
def test_layers_of_layers_are_keyed_by_their_whole_path(tmp_path):
    outer = A.fn("Model")()
    outer.enc = A.fn("MLP")((3, 2))
    outer.head = A.layers().Linear(1, in_size=2)
    outer.scale = A.fn("Parameter")(np.array([2.0]))
    outer.enc(np.ones((1, 2)))
    assert sorted(_arrays(_saved(tmp_path, outer))) == [
        "enc/l0/W", "enc/l0/b", "enc/l1/W", "enc/l1/b", "head/W", "head/b", "scale"]


@cap("save-load")
@pytest.mark.parametrize("built", [True, False], ids=["built", "not-yet-called"])
def test_a_round_trip_gives_a_new_model_the_same_outputs(tmp_path, built):
    model, x = _model(seed=0, sizes=(6, 3))
    y = model(x).data
    path = _saved(tmp_path, model)
    np.random.seed(99)
    fresh = A.fn("MLP")((6, 3))
    if built:
        fresh(x)  # other random weights, to be overwritten
        assert not np.allclose(fresh(x).data, y)
    fresh.load_weights(str(path))
    np.testing.assert_array_equal(fresh(x).data, y)
    for key, p in _params(fresh).items():
        np.testing.assert_array_equal(p.data, _params(model)[key].data, err_msg=key)
        assert p.data is not _params(model)[key].data


@cap("save-load")
def test_saving_again_replaces_the_file(tmp_path):
    model, x = _model()
    path = _saved(tmp_path, model)
    for p in model.params():
        p.data = p.data + 1.0
    model.save_weights(str(path))
    fresh = A.fn("MLP")((4, 3))
    fresh.load_weights(str(path))
    np.testing.assert_array_equal(fresh(x).data, model(x).data)


@cap("save-load")
def test_float64_weights_are_saved_and_loaded_as_float64(tmp_path):
    # The layers' default dtype is float32; a float64 layer keeps float64 in the file.
    np.random.seed(0)
    model = A.fn("Model")()
    model.l0 = A.layers().Linear(3, in_size=2, dtype=np.float64)
    path = _saved(tmp_path, model)
    assert {a.dtype for a in _arrays(path).values()} == {np.dtype(np.float64)}
    fresh = A.fn("Model")()
    fresh.l0 = A.layers().Linear(3, dtype=np.float64)
    fresh.load_weights(str(path))
    assert fresh.l0.W.dtype == np.float64
    np.testing.assert_array_equal(fresh.l0.W.data, model.l0.W.data)


UNPICKLED = []


class _Tripwire:
    """Unpickling one of these records it: a file of weights must never get that far."""

    def __reduce__(self):
        return (UNPICKLED.append, ("unpickled",))


@cap("save-load")
def test_an_object_array_is_refused_and_never_unpickled(tmp_path):
    model, _ = _model()
    arrays = _arrays(_saved(tmp_path, model))
    arrays["l1/b"] = np.array([_Tripwire(), 1.0], dtype=object)
    path = _write_npz(tmp_path / "evil.npz", arrays, pickled=True)
    UNPICKLED.clear()
    with pytest.raises(ValueError):
        model.load_weights(str(path))
    assert UNPICKLED == []


# ---- every bad file: refused, naming the parameter, the model as it was -------------------


def _refused(model, path, *names, error=ValueError):
    snapshot = _snapshot(model)
    with pytest.raises(error) as info:
        model.load_weights(str(path))
    for name in names:
        assert name in str(info.value), f"the error does not name {name}: {info.value}"
    _assert_unchanged(model, snapshot)
    return str(info.value)


@checked
@cap("weights-checked")
def test_a_file_missing_a_parameter_names_it(tmp_path):
    model, _ = _model()
    arrays = _arrays(_saved(tmp_path, model))
    del arrays["l1/b"]
    _refused(model, _write_npz(tmp_path / "bad.npz", arrays), "l1/b")


@checked
@cap("weights-checked")
def test_a_file_with_a_parameter_the_model_lacks_names_it(tmp_path):
    model, _ = _model()
    arrays = _arrays(_saved(tmp_path, model))
    arrays["l2/W"] = np.ones((3, 3))
    _refused(model, _write_npz(tmp_path / "bad.npz", arrays), "l2/W")


@checked
@cap("weights-checked")
def test_a_wrong_shape_names_the_parameter_and_both_shapes(tmp_path):
    model, _ = _model()
    arrays = _arrays(_saved(tmp_path, model))
    arrays["l1/W"] = np.ones((3, 4))  # transposed: (4, 3) in the model
    _refused(model, _write_npz(tmp_path / "bad.npz", arrays), "l1/W", "(3, 4)", "(4, 3)")


@checked
@cap("weights-checked")
def test_a_wrong_dtype_names_the_parameter_and_both_dtypes(tmp_path):
    model, _ = _model()
    arrays = _arrays(_saved(tmp_path, model))
    own = arrays["l0/b"].dtype
    other = np.float64 if own == np.float32 else np.float32
    arrays["l0/b"] = arrays["l0/b"].astype(other)
    _refused(model, _write_npz(tmp_path / "bad.npz", arrays), "l0/b", own.name,
             np.dtype(other).name)


@checked
@cap("weights-checked")
def test_an_object_array_names_the_parameter_and_changes_nothing(tmp_path):
    model, _ = _model()
    arrays = _arrays(_saved(tmp_path, model))
    arrays["l1/b"] = np.array([_Tripwire(), 1.0], dtype=object)
    UNPICKLED.clear()
    _refused(model, _write_npz(tmp_path / "evil.npz", arrays, pickled=True), "l1/b")
    assert UNPICKLED == []


def _member_spans(path):
    """{array name: (start, end) of its stored bytes}, from the zip's own index."""
    spans = {}
    data = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            at = info.header_offset
            name_len = int.from_bytes(data[at + 26:at + 28], "little")
            extra_len = int.from_bytes(data[at + 28:at + 30], "little")
            start = at + 30 + name_len + extra_len
            spans[info.filename.removesuffix(".npy")] = (start, start + info.compress_size)
    return spans


@checked
@cap("weights-checked")
def test_a_truncated_file_is_refused_naming_the_array_it_ends_in(tmp_path):
    model, _ = _model(sizes=(8, 3))
    full = _saved(tmp_path, model).read_bytes()
    spans = _member_spans(tmp_path / "w.npz")
    cut = tmp_path / "cut.npz"
    for key, (start, end) in spans.items():
        cut.write_bytes(full[:(start + end) // 2])
        _refused(model, cut, key)
    # Cut anywhere else: in the first header, between arrays, in the index at the end.
    last_end = max(end for _, end in spans.values())
    for size in (0, 10, last_end, len(full) - 1):
        cut.write_bytes(full[:size])
        _refused(model, cut)


@checked
@cap("weights-checked")
def test_a_file_that_is_not_an_npz_is_refused_naming_it(tmp_path):
    model, _ = _model()
    path = tmp_path / "not-weights.npz"
    for content in [b"", b"W,b\n1,2\n", pickle.dumps({"l0/W": 1}),
                    b"PK\x03\x04 not really a zip"]:
        path.write_bytes(content)
        _refused(model, path, str(path))


@checked
@cap("weights-checked")
def test_a_single_npy_array_is_not_a_file_of_weights(tmp_path):
    model, _ = _model()
    path = tmp_path / "one.npy"
    np.save(str(path), np.ones(3))
    _refused(model, path, str(path))


@checked
@cap("weights-checked")
def test_a_file_that_is_not_there_is_named_and_a_missing_npz_suffix_hinted(tmp_path):
    model, _ = _model()
    _refused(model, tmp_path / "nowhere.npz", "nowhere.npz", error=FileNotFoundError)
    _saved(tmp_path, model, "named.npz")
    message = _refused(model, tmp_path / "named", error=FileNotFoundError)
    assert "named.npz" in message


@checked
@cap("weights-checked")
def test_saving_a_model_before_its_first_call_names_the_parameter(tmp_path):
    model = A.fn("MLP")((3, 2))
    with pytest.raises(ValueError, match="l0/W"):
        model.save_weights(str(tmp_path / "w.npz"))
    assert os.listdir(tmp_path) == []


@pytest.mark.convention("save_weights leaves a model on the GPU where it is")
@cap("save-load")
def test_a_model_on_the_gpu_is_saved_from_a_copy_and_loaded_onto_the_gpu(tmp_path,
                                                                         monkeypatch):
    from .test_gpu import StandInArray, stand_in_cupy

    module, cupyx = stand_in_cupy()
    cuda = A.module("cuda")
    monkeypatch.setattr(cuda, "gpu_enable", True)
    monkeypatch.setattr(cuda, "cupy", module)
    monkeypatch.setattr(cuda, "cupyx", cupyx)
    model, x = _model()
    y = model(x).data
    model.to_gpu()
    path = _saved(tmp_path, model)
    assert all(type(p.data) is StandInArray for p in model.params())  # not moved
    fresh = A.fn("MLP")((4, 3))
    fresh(x)
    fresh.to_gpu()
    fresh.load_weights(str(path))
    assert all(type(p.data) is StandInArray for p in fresh.params())
    np.testing.assert_array_equal(fresh(module.asarray(x)).data, y)


# ---- atomic save --------------------------------------------------------------------------


@pytest.mark.convention("saving is atomic: a temporary file, then a rename")
@cap("atomic-save")
@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()],
                         ids=["OSError", "KeyboardInterrupt"])
def test_an_interrupted_save_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch,
                                                                       error):
    model, x = _model()
    path = _saved(tmp_path, model)
    old = path.read_bytes()

    def broken(file, *args, **kwargs):
        # Half a file written, then the failure.
        if isinstance(file, (str, os.PathLike)):
            file = open(file, "wb")  # noqa: SIM115 - left open, as a crash would
        file.write(old[: len(old) // 2])
        file.flush()
        raise error

    monkeypatch.setattr(np, "savez", broken)
    monkeypatch.setattr(np, "savez_compressed", broken)
    for p in model.params():
        p.data = p.data * 2
    with pytest.raises(type(error)):
        model.save_weights(str(path))
    assert os.listdir(tmp_path) == ["w.npz"]
    assert path.read_bytes() == old
    # And a first save that fails leaves nothing at all.
    with pytest.raises(type(error)):
        model.save_weights(str(tmp_path / "new.npz"))
    assert os.listdir(tmp_path) == ["w.npz"]
