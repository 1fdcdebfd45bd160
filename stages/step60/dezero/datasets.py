"""Datasets: data to train on, generated or downloaded.

get_spiral() makes the spiral data of the book's step 48: three classes of
points winding around the origin, which no straight line can separate.
A Dataset hands out one example at a time, (data, label), with the
transforms applied; Spiral is get_spiral's data as a Dataset, and MNIST
the handwritten digits, downloaded once and kept in a cache folder.
ImageNet (step 58) offers only the names of its 1000 classes, for reading
VGG16's predictions. SinCurve (step 59) is a sine wave as a sequence.
"""

import ast
import gzip

import numpy as np

from dezero import utils
from dezero.transforms import Compose, Flatten, ToFloat, Normalize


class Dataset:
    """Base class: examples by index, dataset[i] -> (data, label); len(dataset).

    Subclasses fill self.data and self.label in prepare(). transform is
    applied to each example's data, target_transform to its label, as the
    example is handed out, so that the stored data stays as it was loaded.
    """

    def __init__(self, train=True, transform=None, target_transform=None):
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        # No transform means the data as it is.
        if self.transform is None:
            self.transform = _identity
        if self.target_transform is None:
            self.target_transform = _identity

        self.data = None
        self.label = None
        self.prepare()

    def __getitem__(self, index):
        # One example at a time: a slice would need the transforms to work
        # on batches, which they are not written for.
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(
                f"{type(self).__name__}: index must be an integer, got "
                f"{type(index).__name__}")
        if self.label is None:
            # Data without labels (as for unsupervised learning).
            return self.transform(self.data[index]), None
        return (self.transform(self.data[index]),
                self.target_transform(self.label[index]))

    def __len__(self):
        return len(self.data)

    def prepare(self):
        # Subclasses load or generate self.data (and self.label) here.
        pass


def _identity(x):
    """The transform that changes nothing."""
    return x


# --- Spiral ------------------------------------------------------------------


def get_spiral(train=True):
    """The spiral data: x (300, 2) float32 points and t (300,) int labels.

    Three arms of 100 points. Point i of class j lies at radius i / 100 and
    angle 4j + 4i/100 plus a little noise. The training and test data differ
    only in the random seed (1984 and 2020), so each is the same every time.
    """
    # This seeds numpy's global generator, as the book does: whatever a
    # program draws after it (the shuffles, the initial weights) repeats too.
    seed = 1984 if train else 2020
    np.random.seed(seed=seed)

    num_data, num_class, input_dim = 100, 3, 2
    data_size = num_class * num_data
    x = np.zeros((data_size, input_dim), dtype=np.float32)
    t = np.zeros(data_size, dtype=np.int_)

    # One random number per point, class by class: drawn in this order, the
    # points are the book's.
    for j in range(num_class):
        for i in range(num_data):
            rate = i / num_data
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + np.random.randn() * 0.2
            ix = num_data * j + i
            x[ix] = (radius * np.sin(theta), radius * np.cos(theta))
            t[ix] = j

    # Shuffle, x and t by the same permutation, so that the classes are mixed.
    indices = np.random.permutation(data_size)
    x = x[indices]
    t = t[indices]
    return x, t


class Spiral(Dataset):
    """get_spiral() as a Dataset."""

    def prepare(self):
        self.data, self.label = get_spiral(self.train)


# --- MNIST -------------------------------------------------------------------


# Where MNIST's files are downloaded from (mnist_url + file name). The book
# used http://yann.lecun.com/exdb/mnist/, which no longer serves them
# reliably; this mirror has the same files. A test may point it at a server
# of its own.
mnist_url = "https://ossci-datasets.s3.amazonaws.com/mnist/"

# The four files: images and labels of the training and of the test data.
mnist_files = {
    True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

# Each file's size in bytes and md5, checked after the download and on every
# load. A test serving files of its own replaces this table (or empties it:
# a file with no entry is only checked to parse).
mnist_checksums = {
    "train-images-idx3-ubyte.gz": (9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    "train-labels-idx1-ubyte.gz": (28881, "d53e105ee54ea40749a09fcbcd1e9432"),
    "t10k-images-idx3-ubyte.gz": (1648877, "9fb629c4189551a2d022fa330f9573f3"),
    "t10k-labels-idx1-ubyte.gz": (4542, "ec29112dd5afa0611ce80d1b7f02629c"),
}

# IDX files open with a magic number: two zero bytes, 0x08 for data of
# unsigned bytes, then the number of dimensions: 3 for images (count, rows,
# columns), 1 for labels.
IDX_IMAGES_MAGIC = 0x00000803
IDX_LABELS_MAGIC = 0x00000801


def _read_idx(path, magic, ndim):
    """The array in the gzip-compressed IDX file at path, as uint8.

    The header is the magic number and one 4-byte big-endian size per
    dimension; the data follows, one byte per value.
    """
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (EOFError, OSError) as e:
        # EOFError: the compressed stream stops early (a cut download);
        # OSError (BadGzipFile): not gzip at all.
        raise ValueError(f"MNIST: {path} is not a complete gzip file ({e})") from e

    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(
            f"MNIST: {path} is truncated: {len(raw)} bytes, "
            f"shorter than its {header_size}-byte header")
    found = int.from_bytes(raw[0:4], "big")
    if found != magic:
        raise ValueError(
            f"MNIST: {path} has magic number {found:#010x}, expected "
            f"{magic:#010x}: not an MNIST {'image' if ndim == 3 else 'label'} file")
    shape = tuple(int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big")
                  for k in range(ndim))
    expected = int(np.prod(shape))
    if len(raw) - header_size != expected:
        raise ValueError(
            f"MNIST: {path} should hold {expected} values for shape {shape}, "
            f"holds {len(raw) - header_size}: truncated or corrupt")
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape)


class MNIST(Dataset):
    """The MNIST handwritten digits: 60 000 training and 10 000 test images.

    self.data is (N, 1, 28, 28) uint8 and self.label (N,) uint8. The default
    transform hands out each image as 784 float32 numbers in [0, 1].
    The files are downloaded once into dezero.utils.cache_dir (~/.dezero, or
    $DEZERO_CACHE) and verified; without a network, put them there by hand.
    """

    def __init__(self, train=True,
                 transform=Compose([Flatten(), ToFloat(), Normalize(0., 255.)]),
                 target_transform=None):
        super().__init__(train, transform, target_transform)

    def prepare(self):
        image_file, label_file = mnist_files[self.train]
        self.data = self._load_data(self._fetch(image_file, self._load_data))
        self.label = self._load_label(self._fetch(label_file, self._load_label))
        if len(self.data) != len(self.label):
            raise ValueError(
                f"MNIST: {image_file} has {len(self.data)} images but "
                f"{label_file} has {len(self.label)} labels")

    def _fetch(self, file_name, load):
        """The path of file_name in the cache, downloaded if need be.

        load is the method that parses the file: a download is kept only if
        it parses, as well as matching its size and md5 where known.
        """
        size, md5 = mnist_checksums.get(file_name, (None, None))
        try:
            return utils.get_file(mnist_url + file_name, size=size, md5=md5,
                                  check=load)
        except utils.DownloadError as e:
            names = ", ".join(mnist_files[True] + mnist_files[False])
            raise utils.DownloadError(
                f"MNIST: {e}\nMNIST needs four files ({names}): download them "
                f"from {mnist_url} (or another MNIST mirror) into "
                f"{utils.cache_dir}, or set DEZERO_CACHE to a folder that "
                "has them") from e

    @staticmethod
    def _load_data(filepath):
        """The images of an IDX file: (N, 1, rows, columns) uint8."""
        images = _read_idx(filepath, IDX_IMAGES_MAGIC, 3)
        # One channel, as a colour image would have three.
        return images.reshape(-1, 1, *images.shape[1:])

    @staticmethod
    def _load_label(filepath):
        """The labels of an IDX file: (N,) uint8."""
        return _read_idx(filepath, IDX_LABELS_MAGIC, 1)

    def show(self, row=10, col=10):
        """Draw row x col random images in one picture (needs matplotlib)."""
        import matplotlib.pyplot as plt

        H, W = self.data.shape[2:]
        img = np.zeros((H * row, W * col))
        for r in range(row):
            for c in range(col):
                i = np.random.randint(0, len(self.data))
                img[r * H:(r + 1) * H, c * W:(c + 1) * W] = self.data[i, 0]
        plt.imshow(img, cmap="gray", interpolation="nearest")
        plt.axis("off")
        plt.show()

    @staticmethod
    def labels():
        """Class index -> name: the digits' own names."""
        return {i: str(i) for i in range(10)}


# --- ImageNet --------------------------------------------------------------------


# The names of ImageNet's 1000 classes, as the text of a Python dict
# {0: 'tench, Tinca tinca', ...}. A test may point it at a server of its own.
imagenet_labels_url = (
    "https://gist.githubusercontent.com/yrevar/942d3a0ac09ec9e5eb3a/raw/"
    "238f720ff059c1f82f368259d1ca4ffa5dd8f9f5/imagenet1000_clsidx_to_labels.txt")


def _read_imagenet_labels(path):
    """The dict class index -> name in the labels file at path.

    The file is read as a literal (ast.literal_eval), never run as code as
    the book's eval() did: a file from the network must not execute.
    """
    try:
        with open(path, encoding="utf-8") as f:
            labels = ast.literal_eval(f.read())
    except (OSError, UnicodeDecodeError, ValueError, SyntaxError) as e:
        raise ValueError(f"ImageNet: {path} is not a dict of class names ({e})") from e
    if (not isinstance(labels, dict) or sorted(labels) != list(range(1000))
            or not all(isinstance(name, str) for name in labels.values())):
        raise ValueError(f"ImageNet: {path} does not name the classes 0 to 999")
    return labels


class ImageNet(Dataset):
    """ImageNet's class names (labels()); the images themselves are not provided."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(
            "ImageNet: the images (about 150 GB) are not provided; "
            "ImageNet.labels() gives the names of the 1000 classes")

    @staticmethod
    def labels():
        """{class index: name} for ImageNet's 1000 classes (downloaded once)."""
        try:
            path = utils.get_file(imagenet_labels_url,
                                  check=_read_imagenet_labels)
        except utils.DownloadError as e:
            raise utils.DownloadError(f"ImageNet.labels: {e}") from e
        return _read_imagenet_labels(path)


# --- Sequences -------------------------------------------------------------------


class SinCurve(Dataset):
    """A sine wave as a sequence: each point's label is the next point.

    1000 points of y on [0, 2 pi]: sin(x) plus uniform noise in
    [-0.05, 0.05] for training, cos(x) for testing. data is y[:-1] and label
    y[1:], each (999, 1) float64, so that a model learns to predict the
    next value from the values so far. The noise is drawn from numpy's
    global generator for the test set too (and then not used), as in the
    book, so that a seeded program draws the same numbers afterwards.
    """

    def prepare(self):
        num_data = 1000
        x = np.linspace(0, 2 * np.pi, num_data)
        noise = np.random.uniform(-0.05, 0.05, size=x.shape)
        if self.train:
            y = np.sin(x) + noise
        else:
            y = np.cos(x)
        y = y.astype(np.float64)
        # One feature per time step: (999, 1).
        self.data = y[:-1][:, np.newaxis]
        self.label = y[1:][:, np.newaxis]
