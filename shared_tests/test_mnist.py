"""Step 51: MNIST's loader, run against a local HTTP server, and relu.

No network: a `http.server` on 127.0.0.1, in a thread, serves small gzip IDX files that the
test writes (five 28x28 images), and dezero is pointed at it and at a cache folder under
tmp_path. Each download that goes wrong — cut short, wrong checksum, not parseable, not
there — must give a clear error and leave nothing in the cache folder.

The stage's hooks (read once from stages/step51): datasets.mnist_url (base URL),
datasets.mnist_checksums (file name -> (size, md5); no entry: only parsed), and
utils.cache_dir (read by get_file at each call). Code written as the book writes it has no
mnist_url (its MNIST downloads from a URL fixed in prepare()): for it the local server
answers as urllib's HTTP proxy instead. The checks of bad downloads are this project's
conventions (the book verifies nothing): not graded in other code.
"""

import gzip
import hashlib
import os
import struct
import sys
import types
import urllib.request

import numpy as np
import pytest

from . import adapter as A

cap = pytest.mark.capability

TRAIN = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
TEST = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def idx(array, magic):
    """A gzip IDX file: the magic number, one big-endian uint32 per dimension, the bytes."""
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", n) for n in array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def images(n, seed):
    return np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


def labels(n, seed):
    return np.random.default_rng(seed).integers(0, 10, size=n, dtype=np.uint8)


def checksum(body):
    return len(body), hashlib.md5(body).hexdigest()


@pytest.fixture
def mnist(server, tmp_path, monkeypatch):
    """(datasets module, server, cache folder) with five training and three test images."""
    server.use(monkeypatch)
    data = {TRAIN[0]: idx(images(5, 0), 0x803), TRAIN[1]: idx(labels(5, 1), 0x801),
            TEST[0]: idx(images(3, 2), 0x803), TEST[1]: idx(labels(3, 3), 0x801)}
    server.files.update(data)
    datasets = A.module("datasets")
    cache = tmp_path / "cache"
    if hasattr(datasets, "mnist_url"):
        monkeypatch.setattr(datasets, "mnist_url", server.url)
        monkeypatch.setattr(datasets, "mnist_checksums",
                            {name: checksum(body) for name, body in data.items()})
    else:  # the book's fixed URL, fetched through the server as the HTTP proxy
        root = server.url.split("/mnist/")[0]
        proxy = urllib.request.ProxyHandler({"http": root, "https": root})
        monkeypatch.setattr(urllib.request, "_opener", urllib.request.build_opener(proxy))
    monkeypatch.setattr(A.module("utils"), "cache_dir", str(cache))
    return datasets, server, cache


def cached(cache):
    return sorted(os.listdir(cache)) if cache.exists() else []


@cap("mnist")
def test_mnist_downloads_verifies_caches_and_parses(mnist):
    datasets, server, cache = mnist
    ds = datasets.MNIST(train=True)
    assert server.requests == list(TRAIN)
    assert len(ds) == 5
    assert ds.data.shape == (5, 1, 28, 28) and ds.data.dtype == np.uint8
    np.testing.assert_array_equal(ds.data[:, 0], images(5, 0))
    np.testing.assert_array_equal(ds.label, labels(5, 1))
    # The default transform: 784 float32 values in [0, 1].
    x, t = ds[2]
    assert x.shape == (784,) and x.dtype == np.float32
    np.testing.assert_allclose(x, images(5, 0)[2].reshape(-1) / 255.0, rtol=1e-6)
    assert t == labels(5, 1)[2]
    assert cached(cache) == sorted(TRAIN)
    for name in TRAIN:
        assert (cache / name).read_bytes() == server.files[name]
    # Once cached, nothing is downloaded again.
    again = datasets.MNIST(train=True)
    assert server.requests == list(TRAIN)
    np.testing.assert_array_equal(again.data, ds.data)


@cap("mnist")
def test_mnist_test_set_and_its_own_transform(mnist):
    datasets, server, cache = mnist
    ds = datasets.MNIST(train=False, transform=None, target_transform=int)
    assert server.requests == list(TEST) and len(ds) == 3
    x, t = ds[0]
    np.testing.assert_array_equal(x[0], images(3, 2)[0])
    assert t == int(labels(3, 3)[0]) and isinstance(t, int)
    assert datasets.MNIST.labels() == {i: str(i) for i in range(10)}


@cap("mnist")
def test_mnist_show_draws_random_images_in_a_grid(mnist, monkeypatch):
    # A stand-in for matplotlib.pyplot (importing the real one costs a second): it records
    # the picture that show() would display.
    drawn = []
    plt = types.SimpleNamespace(imshow=lambda img, **kw: drawn.append(img),
                                axis=lambda *a: None, show=lambda: drawn.append("shown"))
    monkeypatch.setitem(sys.modules, "matplotlib", types.SimpleNamespace(pyplot=plt))
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", plt)
    datasets, _, _ = mnist
    if hasattr(datasets, "plt"):  # the book imports pyplot when datasets is imported
        monkeypatch.setattr(datasets, "plt", plt)
    np.random.seed(3)
    datasets.MNIST().show(row=2, col=3)
    assert len(drawn) == 2 and drawn[1] == "shown"
    # Six tiles, row by row, each one of the training images (the book draws
    # randint(0, len - 1), which never picks the last one; the stages randint(0, len)).
    tiles = np.asarray(drawn[0]).reshape(2, 28, 3, 28).transpose(0, 2, 1, 3).reshape(6, 28, 28)
    for tile in tiles:
        assert any(np.array_equal(tile, image) for image in images(5, 0))
    if A.STAGE is not None:  # the stage's draws: image randint(0, 5) for each tile
        np.random.seed(3)
        picks = [np.random.randint(0, 5) for _ in range(6)]
        np.testing.assert_array_equal(tiles, images(5, 0)[picks])


@pytest.mark.convention("a bad download is an error and leaves nothing cached")
@cap("mnist")
def test_a_download_cut_short_is_an_error_and_nothing_is_cached(mnist):
    datasets, server, cache = mnist
    server.short.add(TRAIN[0])
    with pytest.raises(OSError, match="MNIST") as info:
        datasets.MNIST()
    assert str(cache) in str(info.value)  # says where the files can be put by hand
    assert cached(cache) == []


@pytest.mark.convention("a bad download is an error and leaves nothing cached")
@cap("mnist")
def test_a_truncated_file_fails_its_size_and_nothing_is_cached(mnist):
    datasets, server, cache = mnist
    server.files[TRAIN[0]] = server.files[TRAIN[0]][:300]
    with pytest.raises(ValueError, match="bytes"):
        datasets.MNIST()
    assert cached(cache) == []


@pytest.mark.convention("a bad download is an error and leaves nothing cached")
@cap("mnist")
def test_a_truncated_file_without_a_checksum_fails_to_parse_and_nothing_is_cached(
        mnist, monkeypatch):
    datasets, server, cache = mnist
    full = server.files[TRAIN[0]]
    del datasets.mnist_checksums[TRAIN[0]]
    # Cut inside the gzip stream; cut inside the data (the gzip itself complete); cut inside
    # the header; not gzip at all.
    for cut in (full[:300], full[:10], gzip.compress(gzip.decompress(full)[:100]),
                gzip.compress(gzip.decompress(full)[:6]), b"not gzip at all"):
        server.files[TRAIN[0]] = cut
        with pytest.raises(ValueError, match="MNIST"):
            datasets.MNIST()
        assert cached(cache) == []


@pytest.mark.convention("a bad download is an error and leaves nothing cached")
@cap("mnist")
def test_a_wrong_checksum_is_an_error_and_nothing_is_cached(mnist):
    datasets, server, cache = mnist
    size, _ = datasets.mnist_checksums[TRAIN[0]]
    datasets.mnist_checksums[TRAIN[0]] = (size, "0" * 32)
    with pytest.raises(ValueError, match="md5"):
        datasets.MNIST()
    assert cached(cache) == []


@pytest.mark.convention("a bad download is an error and leaves nothing cached")
@cap("mnist")
def test_a_file_that_is_not_mnist_is_an_error_and_nothing_is_cached(mnist):
    datasets, server, cache = mnist
    del datasets.mnist_checksums[TRAIN[1]]
    server.files[TRAIN[1]] = idx(images(5, 0), 0x803)  # images where labels belong
    with pytest.raises(ValueError, match="magic"):
        datasets.MNIST()
    assert cached(cache) == [TRAIN[0]]  # the images were fine and stay


@pytest.mark.convention("a bad download is an error and leaves nothing cached")
@cap("mnist")
def test_images_and_labels_that_do_not_pair_up_are_an_error(mnist):
    datasets, server, _ = mnist
    del datasets.mnist_checksums[TRAIN[1]]
    server.files[TRAIN[1]] = idx(labels(4, 1), 0x801)
    with pytest.raises(ValueError, match="5 images"):
        datasets.MNIST()


@pytest.mark.convention("a bad download is an error and leaves nothing cached")
@cap("mnist")
def test_a_missing_file_says_where_to_put_it(mnist):
    datasets, server, cache = mnist
    del server.files[TRAIN[0]]
    with pytest.raises(OSError, match="MNIST") as info:
        datasets.MNIST()
    assert "404" in str(info.value) and str(cache) in str(info.value)
    assert cached(cache) == []


@pytest.mark.convention("a bad download is an error and leaves nothing cached")
@cap("mnist")
def test_a_corrupt_file_in_the_cache_is_reported_not_used(mnist):
    datasets, server, cache = mnist
    cache.mkdir()
    (cache / TRAIN[0]).write_bytes(b"corrupt")
    with pytest.raises(ValueError, match="delete it"):
        datasets.MNIST()
    assert server.requests == []
    assert (cache / TRAIN[0]).read_bytes() == b"corrupt"  # left for the user to look at


@pytest.mark.convention("get_file(url, name, size=, sha256=) checks what it fetched")
@cap("mnist")
def test_get_file_names_the_file_after_the_url_or_as_told(mnist):
    _, server, cache = mnist
    server.files["other.bin"] = b"12345"
    get_file = A.module("utils").get_file
    path = get_file(server.url + "other.bin")
    assert path == os.path.join(str(cache), "other.bin")
    assert open(path, "rb").read() == b"12345"
    sha = hashlib.sha256(b"12345").hexdigest()
    path = get_file(server.url + "other.bin", "renamed.bin", size=5, sha256=sha)
    assert os.path.basename(path) == "renamed.bin"
    with pytest.raises(ValueError, match="sha256"):
        get_file(server.url + "other.bin", "third.bin", sha256="0" * 64)
    assert cached(cache) == ["other.bin", "renamed.bin"]


@cap("relu")
def test_relu_by_hand():
    x = A.var([[-1.5, 0.0, 2.0], [3.0, -0.1, 0.25]])
    y = A.module("functions").relu(x)
    np.testing.assert_array_equal(y.data, [[0.0, 0.0, 2.0], [3.0, 0.0, 0.25]])
    A.backward(y)
    np.testing.assert_array_equal(A.grad(x), [[0.0, 0.0, 1.0], [1.0, 0.0, 1.0]])
