"""Step 58 on: VGG16, its pretrained weights and ImageNet's class names (and, from step
60, the final package's other models).

VGG16 is never built at full size here (its weights are about 138 million numbers). Its
layers are lazy: the structure is read before any weight exists, and a forward pass runs on
a copy whose layers are made 32 times narrower, through the model's own forward(), against
the network written here in numpy with that copy's weights. The pretrained loader gets a
tiny weights file of the right names from a local http.server.
"""

import os
import socket

import numpy as np
import pytest

from . import adapter as A
from .op_refs import conv2d_reference, pooling_reference

cap = pytest.mark.capability

# The book's VGG16: (name, out channels) of each 3x3 convolution (stride 1, pad 1), a 2x2
# max pooling (stride 2) after each block, then three Linear layers.
CONVS = [("conv1_1", 64), ("conv1_2", 64), ("conv2_1", 128), ("conv2_2", 128),
         ("conv3_1", 256), ("conv3_2", 256), ("conv3_3", 256), ("conv4_1", 512),
         ("conv4_2", 512), ("conv4_3", 512), ("conv5_1", 512), ("conv5_2", 512),
         ("conv5_3", 512)]
BLOCK_ENDS = {"conv1_2", "conv2_2", "conv3_3", "conv4_3", "conv5_3"}
FCS = [("fc6", 4096), ("fc7", 4096), ("fc8", 1000)]
NARROW = 32  # channels divided by this, fc6 and fc7 by 64, in the narrow copy


def models():
    return A.module("models")


def _narrow_weights(seed=0):
    """{name: array}: VGG16's parameter names, shapes for a 32x narrower net on 32x32
    images (after five poolings 1x1x16 into fc6)."""
    rng = np.random.default_rng(seed)
    weights, channels = {}, 3
    for name, oc in CONVS:
        oc //= NARROW
        weights[f"{name}/W"] = rng.normal(0, np.sqrt(2 / (channels * 9)),
                                          (oc, channels, 3, 3)).astype(np.float32)
        weights[f"{name}/b"] = rng.normal(0, 0.1, oc).astype(np.float32)
        channels = oc
    for name, out in FCS:
        out = out // 64 if name != "fc8" else out
        weights[f"{name}/W"] = rng.normal(0, np.sqrt(1 / channels),
                                          (channels, out)).astype(np.float32)
        weights[f"{name}/b"] = rng.normal(0, 0.1, out).astype(np.float32)
        channels = out
    return weights


def vgg16_reference(x, weights):
    """VGG16's forward in numpy, in test mode (dropout passes everything)."""
    relu = lambda h: np.maximum(h, 0)  # noqa: E731
    h = x.astype(np.float64)
    for name, _ in CONVS:
        h = relu(conv2d_reference(h, weights[f"{name}/W"], weights[f"{name}/b"], 1, 1))
        if name in BLOCK_ENDS:
            h = pooling_reference(h, 2, 2)
    h = h.reshape(len(h), -1)
    for name, _ in FCS:
        h = h @ weights[f"{name}/W"] + weights[f"{name}/b"]
        if name != "fc8":
            h = relu(h)
    return h


# ---- step 58: VGG16 -----------------------------------------------------------------------


@cap("vgg16")
def test_vgg16_without_pretrained_weights_has_the_books_layers_and_no_weights_yet():
    model = models().VGG16(pretrained=False)
    L = A.layers()
    for name, out in CONVS:
        conv = getattr(model, name)
        assert isinstance(conv, L.Conv2d), name
        assert conv.out_channels == out, name
        assert A.module("utils").pair(conv.kernel_size) == (3, 3), name
        assert A.module("utils").pair(conv.stride) == (1, 1), name
        assert A.module("utils").pair(conv.pad) == (1, 1), name
        assert conv.W.data is None  # drawn at the first call, when C is known
    for name, out in FCS:
        fc = getattr(model, name)
        assert isinstance(fc, L.Linear) and fc.out_size == out, name
    params = list(model.params())
    assert len(params) == 2 * (len(CONVS) + len(FCS))
    assert isinstance(models().VGG16(), A.fn("Model"))  # pretrained=False by default


def _narrowed(model, weights):
    """model with each layer's weights set from `weights` (the narrow copy)."""
    for name, _ in CONVS + FCS:
        layer = getattr(model, name)
        layer.W.data, layer.b.data = weights[f"{name}/W"], weights[f"{name}/b"]
    return model


@cap("vgg16")
def test_vgg16s_forward_is_the_books_network():
    weights = _narrow_weights()
    model = _narrowed(models().VGG16(), weights)
    x = np.random.default_rng(1).uniform(-1, 1, (2, 3, 32, 32)).astype(np.float32)
    with A.dz.test_mode():
        y = model(x)
    assert y.shape == (2, 1000)
    np.testing.assert_allclose(y.data, vgg16_reference(x, weights), rtol=1e-3, atol=1e-4)
    # In training, fc6 and fc7 go through dropout: other outputs.
    np.random.seed(0)
    assert not np.allclose(model(x).data, y.data)


# ---- pretrained weights from a local server -----------------------------------------------


@pytest.fixture
def weights_site(server, tmp_path, monkeypatch):
    """(server, cache folder): VGG16's weights URL and the cache pointed at test places."""
    server.use(monkeypatch)
    cache = tmp_path / "cache"
    monkeypatch.setattr(A.module("utils"), "cache_dir", str(cache))
    monkeypatch.setattr(models().VGG16, "WEIGHTS_PATH", server.url + "vgg16.npz")
    return server, cache


def _npz_bytes(tmp_path, arrays):
    path = tmp_path / "made.npz"
    np.savez(str(path), **arrays)
    data = path.read_bytes()
    path.unlink()
    return data


def _file_weights(seed=2):
    """Weights for the file: the narrow W (a lazy W takes any shape) with biases of the
    full sizes (the layers made theirs, zeros, at construction)."""
    weights = _narrow_weights(seed)
    rng = np.random.default_rng(seed)
    for name, out in CONVS + FCS:
        weights[f"{name}/b"] = rng.normal(size=out).astype(np.float32)
    return weights


@cap("pretrained-weights")
def test_pretrained_weights_are_downloaded_once_and_loaded(weights_site, tmp_path):
    server, cache = weights_site
    weights = _file_weights()
    server.files["vgg16.npz"] = _npz_bytes(tmp_path, weights)
    model = models().VGG16(pretrained=True)
    assert server.requests == ["vgg16.npz"]
    assert (cache / "vgg16.npz").read_bytes() == server.files["vgg16.npz"]
    for name, _ in CONVS + FCS:
        for p in ("W", "b"):
            np.testing.assert_array_equal(getattr(getattr(model, name), p).data,
                                          weights[f"{name}/{p}"], err_msg=f"{name}/{p}")
    again = models().VGG16(pretrained=True)  # from the cache: no second download
    assert server.requests == ["vgg16.npz"]
    np.testing.assert_array_equal(again.fc8.W.data, weights["fc8/W"])


def _closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/vgg16.npz"  # nothing listens there now


@pytest.mark.convention("offline, one message says what to download and where to put it")
@cap("pretrained-weights")
def test_without_a_network_one_message_says_what_to_download_and_where(weights_site,
                                                                       monkeypatch):
    _, cache = weights_site
    url = _closed_port_url()
    monkeypatch.setattr(models().VGG16, "WEIGHTS_PATH", url)
    with pytest.raises(OSError) as info:
        models().VGG16(pretrained=True)
    message = str(info.value)
    assert "VGG16" in message and url in message
    assert os.path.join(str(cache), "vgg16.npz") in message
    assert "pretrained=False" in message
    assert not cache.exists() or os.listdir(cache) == []


@pytest.mark.convention("a download is kept only if it holds the model's weights")
@cap("pretrained-weights")
def test_a_file_that_is_not_vgg16s_weights_is_refused_and_not_cached(weights_site, tmp_path):
    server, cache = weights_site
    for damage in ["missing", "extra", "not-npz", "pickled", "corrupt"]:
        weights = _file_weights()
        if damage == "missing":
            del weights["fc8/b"]
        elif damage == "extra":
            weights["fc9/W"] = np.ones(2)
        elif damage == "pickled":
            weights["fc8/b"] = np.array([None], dtype=object)
        body = _npz_bytes(tmp_path, weights)
        if damage == "corrupt":  # bytes changed inside the first array: its CRC fails
            at = body.index(b"\x93NUMPY") + 200
            body = body[:at] + bytes(b ^ 0xFF for b in body[at:at + 8]) + body[at + 8:]
        server.files["vgg16.npz"] = b"<html>not found</html>" if damage == "not-npz" else body
        with pytest.raises(ValueError, match="vgg16.npz|VGG16"):
            models().VGG16(pretrained=True)
        assert not cache.exists() or os.listdir(cache) == [], \
            f"{damage}: an unusable download was kept in the cache"


@pytest.mark.convention("a labels file is read as a literal, never run")
@cap("pretrained-weights")
def test_imagenet_labels_are_read_as_a_literal_and_never_run(server, tmp_path, monkeypatch):
    server.use(monkeypatch)
    datasets = A.module("datasets")
    monkeypatch.setattr(A.module("utils"), "cache_dir", str(tmp_path / "cache"))
    monkeypatch.setattr(datasets, "imagenet_labels_url", server.url + "labels.txt")
    names = {i: f"class {i}" for i in range(1000)}
    # Code that builds the same dict: eval() would accept it, a literal reader must not.
    server.files["labels.txt"] = b"{i: 'class ' + str(i) for i in range(1000)}"
    with pytest.raises(ValueError, match="ImageNet"):
        datasets.ImageNet.labels()
    server.files["labels.txt"] = repr(names).encode()
    assert datasets.ImageNet.labels() == names


@cap("vgg16-preprocess")
def test_preprocess_makes_a_bgr_image_less_the_imagenet_mean_channels_first():
    Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed")
    rgb = np.random.default_rng(0).integers(0, 256, (3, 4, 3), dtype=np.uint8)  # H 3, W 4
    image = Image.fromarray(rgb, "RGB")
    x = models().VGG16.preprocess(image, size=None)
    expected = (rgb[:, :, ::-1].astype(np.float32)
                - np.array([103.939, 116.779, 123.68], np.float32)).transpose(2, 0, 1)
    assert x.dtype == np.float32 and x.shape == (3, 3, 4)
    np.testing.assert_allclose(x, expected, rtol=1e-6)
    resized = models().VGG16.preprocess(image.convert("L"))  # any mode becomes RGB
    assert resized.shape == (3, 224, 224)
