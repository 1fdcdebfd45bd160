"""Datasets: data to train on, generated or downloaded.

get_spiral() makes the spiral data of the book's step 48: three classes of
points winding around the origin, which no straight line can separate.
A Dataset hands out one example at a time, (data, label), with the
transforms applied; Spiral is get_spiral's data as a Dataset, and MNIST
the handwritten digits, downloaded once and kept in a cache folder.
ImageNet (step 58) offers only the names of its 1000 classes, for reading
VGG16's predictions. SinCurve (step 59) is a sine wave as a sequence.
Step 60 adds the rest of the book's final package: CIFAR10 and CIFAR100
(small colour images, downloaded once like MNIST) and Shakespear (a text,
character by character).
"""

import ast
import gzip
import os
import tarfile
import tempfile
import zipfile
import zlib

import numpy as np

from dezero import utils
from dezero.transforms import Compose, Flatten, ToFloat, Normalize

# The book's module imports these two from utils, so programs reach them as
# dezero.datasets.get_file and dezero.datasets.cache_dir. The cache folder
# actually used is utils.cache_dir, read at each download and cache: change
# that one (or set DEZERO_CACHE) to move it; this name keeps its first value.
get_file = utils.get_file
cache_dir = utils.cache_dir


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


# The four files: images and labels of the training and of the test data.
mnist_files = {
    True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
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
        # as the book: the URL is fixed here, and no size or md5 is checked
        url = 'http://yann.lecun.com/exdb/mnist/'
        try:
            return utils.get_file(url + file_name, check=load)
        except utils.DownloadError as e:
            names = ", ".join(mnist_files[True] + mnist_files[False])
            raise utils.DownloadError(
                f"MNIST: {e}\nMNIST needs four files ({names}): download them "
                f"from {url} (or another MNIST mirror) into "
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


# --- Parsed data kept as .npz ------------------------------------------------------


def _cache_npz_path(filename, train):
    """Where the parsed data of filename (a URL or a file name) is kept:
    cache_dir/<its last part>.train.npz, or .test.npz."""
    name = filename[filename.rfind("/") + 1:]
    suffix = ".train.npz" if train else ".test.npz"
    return os.path.join(utils.cache_dir, name + suffix)


def load_cache_npz(filename, train=False):
    """(data, label) saved by save_cache_npz for filename, or (None, None).

    Parsing a large archive takes longer than reading its arrays back, so
    CIFAR keeps them. A file that cannot be read as those two arrays is an
    error naming it (delete it and the data is parsed again); it is read
    without unpickling, as every file DeZero loads.
    """
    path = _cache_npz_path(filename, train)
    if not os.path.exists(path):
        return None, None
    try:
        with np.load(path) as loaded:
            data, label = loaded["data"], loaded["label"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile,
            zlib.error) as e:
        raise ValueError(f"load_cache_npz: {path} is not a complete cache of "
                         f"data and label ({e}); delete it to parse the data "
                         "again") from e
    if len(data) != len(label):
        raise ValueError(f"load_cache_npz: {path} holds {len(data)} examples "
                         f"but {len(label)} labels; delete it to parse the "
                         "data again")
    return data, label


def save_cache_npz(data, label, filename, train=False):
    """Keep data and label for load_cache_npz (compressed), unless kept already.

    Written to a temporary file beside the cache and renamed when complete,
    so that an interrupted save leaves no half-written cache behind.
    """
    path = _cache_npz_path(filename, train)
    if os.path.exists(path):
        return
    os.makedirs(utils.cache_dir, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(dir=utils.cache_dir, suffix=".npz.part")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, data=data, label=label)
        os.replace(tmp_path, path)
    except BaseException:
        # KeyboardInterrupt too: nothing half-written stays in the cache.
        os.remove(tmp_path)
        raise


# --- CIFAR-10 / CIFAR-100 ----------------------------------------------------------


# Where CIFAR's files are downloaded from (cifar_url + file name). These are
# the "binary versions", records of plain bytes: the book used the "python
# versions", whose pickles could run code as they load. A test may point it
# at a server of its own.
cifar_url = "https://www.cs.toronto.edu/~kriz/"

# Each file's size in bytes and md5 (from the data set's page), checked
# after the download and at every load, as for MNIST. A test serving files
# of its own replaces this table (or empties it: only parsed then).
cifar_checksums = {
    "cifar-10-binary.tar.gz": (170052171, "c32a1d4ab5d03f1284b67883e8d87530"),
    "cifar-100-binary.tar.gz": (168513733, "03b5dce01913d631647c71ecec9e9cb8"),
}

# The bytes of one image: 32x32 pixels of red, then green, then blue.
CIFAR_IMAGE_BYTES = 3 * 32 * 32


def _read_cifar(path, members, label_bytes):
    """(images (N, 3, 32, 32) uint8, labels (N, label_bytes) uint8) from the
    files members of the tar.gz archive at path.

    Each record is label_bytes label bytes and the image's 3072 bytes. The
    members are read from the archive in memory: nothing is extracted.
    """
    record = label_bytes + CIFAR_IMAGE_BYTES
    chunks = []
    try:
        with tarfile.open(path, "r:gz") as tar:
            for name in members:
                try:
                    f = tar.extractfile(name)
                except KeyError:
                    f = None
                if f is None:
                    raise ValueError(f"{path} has no file {name}")
                raw = f.read()
                if not raw or len(raw) % record:
                    raise ValueError(
                        f"{name} in {path} holds {len(raw)} bytes, not whole "
                        f"records of {record}: truncated or not CIFAR")
                chunks.append(np.frombuffer(raw, dtype=np.uint8).reshape(-1, record))
    except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
        raise ValueError(f"{path} is not a complete tar.gz file ({e})") from e
    records = np.concatenate(chunks)
    return (records[:, label_bytes:].reshape(-1, 3, 32, 32),
            records[:, :label_bytes])


class CIFAR10(Dataset):
    """CIFAR-10: 50 000 training and 10 000 test colour images, 32x32, in 10 classes.

    self.data is (N, 3, 32, 32) uint8 and self.label (N,) integers. The
    default transform is the book's, ToFloat() then Normalize(0.5, 0.5):
    (x - 0.5) / 0.5 of the byte values, which spans [-1, 509]; pass
    Compose([ToFloat(), Normalize(0., 255.)]) for [0, 1]. The archive
    (162 MB) is downloaded once into utils.cache_dir and verified.
    """

    file_name = "cifar-10-binary.tar.gz"
    folder = "cifar-10-batches-bin/"
    # One label byte per image: the class.
    label_bytes = 1

    def __init__(self, train=True,
                 transform=Compose([ToFloat(), Normalize(mean=0.5, std=0.5)]),
                 target_transform=None):
        super().__init__(train, transform, target_transform)

    def _members(self, train):
        if train:
            return [f"{self.folder}data_batch_{i}.bin" for i in range(1, 6)]
        return [f"{self.folder}test_batch.bin"]

    def prepare(self):
        # The arrays parsed before, if kept; else parse the archive and keep
        # them, as the book does (then the archive is not even opened).
        cache_name = self._cache_name()
        self.data, self.label = load_cache_npz(cache_name, self.train)
        if self.data is not None:
            return
        path = self._fetch()
        self.data, labels = _read_cifar(path, self._members(self.train),
                                        self.label_bytes)
        self.label = self._pick_label(labels)
        save_cache_npz(self.data, self.label, cache_name, self.train)

    def _cache_name(self):
        return cifar_url + self.file_name

    def _pick_label(self, labels):
        return labels[:, 0].astype(np.int_)

    def _fetch(self):
        """The archive's path in the cache, downloaded (and parsed) if need be."""
        name = type(self).__name__

        def check(path):
            # Both splits, so that a usable archive is all that is kept.
            for train in (True, False):
                _read_cifar(path, self._members(train), self.label_bytes)

        size, md5 = cifar_checksums.get(self.file_name, (None, None))
        try:
            return utils.get_file(cifar_url + self.file_name, size=size,
                                  md5=md5, check=check)
        except utils.DownloadError as e:
            raise utils.DownloadError(
                f"{name}: {e} (the binary version of {name}, from "
                f"{cifar_url}; or set DEZERO_CACHE to a folder that has "
                f"{self.file_name})") from e

    def show(self, row=10, col=10):
        """Draw row x col random images in one picture (needs matplotlib)."""
        import matplotlib.pyplot as plt

        H, W = 32, 32
        img = np.zeros((H * row, W * col, 3))
        for r in range(row):
            for c in range(col):
                i = np.random.randint(0, len(self.data))
                img[r * H:(r + 1) * H, c * W:(c + 1) * W] = \
                    self.data[i].transpose(1, 2, 0) / 255
        plt.imshow(img, interpolation="nearest")
        plt.axis("off")
        plt.show()

    @staticmethod
    def labels():
        """Class index -> name."""
        names = ["airplane", "automobile", "bird", "cat", "deer", "dog",
                 "frog", "horse", "ship", "truck"]
        return dict(enumerate(names))


class CIFAR100(CIFAR10):
    """CIFAR-100: the same kind of images in 100 classes, grouped in 20 superclasses.

    label_type="fine" labels each image with its class (0..99), "coarse"
    with its superclass (0..19).
    """

    file_name = "cifar-100-binary.tar.gz"
    folder = "cifar-100-binary/"
    # Two label bytes per image: the superclass, then the class.
    label_bytes = 2

    def __init__(self, train=True,
                 transform=Compose([ToFloat(), Normalize(mean=0.5, std=0.5)]),
                 target_transform=None, label_type="fine"):
        if label_type not in ("fine", "coarse"):
            raise ValueError("CIFAR100: label_type must be 'fine' or 'coarse', "
                             f"got {label_type!r}")
        self.label_type = label_type
        super().__init__(train, transform, target_transform)

    def _members(self, train):
        return [self.folder + ("train.bin" if train else "test.bin")]

    def _pick_label(self, labels):
        column = 1 if self.label_type == "fine" else 0
        return labels[:, column].astype(np.int_)

    def _cache_name(self):
        # The labels differ with label_type, so each kind has its cache
        # (the book kept one per split, and a coarse CIFAR100 after a fine
        # one got the fine labels).
        return f"{cifar_url}{self.file_name}.{self.label_type}"

    @staticmethod
    def labels(label_type="fine"):
        """Class index -> name, of the 100 classes or (coarse) the 20 superclasses.

        (The book's returned an empty list for the classes.)
        """
        if label_type == "coarse":
            return dict(enumerate(CIFAR100_COARSE))
        return dict(enumerate(CIFAR100_FINE))


# The book's names of the superclasses ("household electrical device", where
# the data set's own list says "devices").
CIFAR100_COARSE = [
    "aquatic mammals", "fish", "flowers", "food containers",
    "fruit and vegetables", "household electrical device",
    "household furniture", "insects", "large carnivores",
    "large man-made outdoor things", "large natural outdoor scenes",
    "large omnivores and herbivores", "medium-sized mammals",
    "non-insect invertebrates", "people", "reptiles", "small mammals",
    "trees", "vehicles 1", "vehicles 2",
]

CIFAR100_FINE = [
    "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle",
    "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel",
    "can", "castle", "caterpillar", "cattle", "chair", "chimpanzee", "clock",
    "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
    "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster",
    "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion",
    "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
    "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree",
    "pear", "pickup_truck", "pine_tree", "plain", "plate", "poppy",
    "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
    "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail",
    "snake", "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper",
    "table", "tank", "telephone", "television", "tiger", "tractor", "train",
    "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf",
    "woman", "worm",
]


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
    """ImageNet's class names (labels()); the images themselves are not provided.

    As in the book, ImageNet() makes a dataset that holds nothing; asking it
    for an image or its length says so.
    """

    def __init__(self):
        # Nothing to load: train, the transforms and data are the Dataset's
        # defaults (data stays None).
        super().__init__()

    def __getitem__(self, index):
        raise NotImplementedError(self._NO_IMAGES)

    def __len__(self):
        raise NotImplementedError(self._NO_IMAGES)

    _NO_IMAGES = ("ImageNet: the images (about 150 GB) are not provided; "
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


class Shakespear(Dataset):
    """Tiny Shakespeare (about 1 MB of plays), one character at a time.

    Each character becomes an id, numbered in the order the characters
    first appear (char_to_id and id_to_char translate); data is the ids and
    label the id of the next character. The text is downloaded once.
    """

    url = ("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/"
           "tinyshakespeare/input.txt")

    def prepare(self):
        try:
            path = utils.get_file(Shakespear.url, "shakespear.txt",
                                  check=_read_text)
        except utils.DownloadError as e:
            raise utils.DownloadError(f"Shakespear: {e}") from e
        data = _read_text(path)

        char_to_id = {}
        id_to_char = {}
        for char in data:
            if char not in char_to_id:
                new_id = len(char_to_id)
                char_to_id[char] = new_id
                id_to_char[new_id] = char

        indices = np.array([char_to_id[c] for c in data])
        self.data = indices[:-1]
        self.label = indices[1:]
        self.char_to_id = char_to_id
        self.id_to_char = id_to_char


def _read_text(path):
    """The text of the UTF-8 file at path (ValueError if it is not one)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as e:
        raise ValueError(f"{path} is not a UTF-8 text ({e})") from e
    if len(text) < 2:
        raise ValueError(f"{path} holds no text to learn from")
    return text
