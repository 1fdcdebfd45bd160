"""Transforms: preprocessing applied to each example as a Dataset hands it out.

Each transform is a callable object: Normalize(0., 255.)(array) returns the
normalised array. Compose chains several into one:
Compose([Flatten(), ToFloat(), Normalize(0., 255.)]) turns an image of
bytes into a row of floats in [0, 1].

Step 60 adds the book's transforms for PIL images (Convert, Resize,
CenterCrop, ToArray, ToPIL, RandomHorizontalFlip). They need Pillow, which
is imported only when one of them runs: `import dezero` does not need it.
"""

import numpy as np

from dezero.utils import pair


class Compose:
    """Apply several transforms in turn, the first one first."""

    def __init__(self, transforms=()):
        transforms = list(transforms)
        for i, t in enumerate(transforms):
            if not callable(t):
                raise TypeError(
                    f"Compose: transform {i} is not callable, got "
                    f"{type(t).__name__}")
        self.transforms = transforms

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x


# --- Transforms for PIL images -------------------------------------------------


def _pil_image(name):
    """PIL's Image module, imported when a transform first needs it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"{name}: works on PIL images and needs Pillow "
                          "(pip install pillow)") from None
    return Image


class Convert:
    """The PIL image in another mode: "RGB", "L" (gray), ... or "BGR"."""

    def __init__(self, mode="RGB"):
        self.mode = mode

    def __call__(self, img):
        if self.mode == "BGR":
            # PIL has no BGR mode: an RGB image with its bands swapped.
            Image = _pil_image("Convert")
            r, g, b = img.convert("RGB").split()
            return Image.merge("RGB", (b, g, r))
        return img.convert(self.mode)


# PIL's Image.BILINEAR, Resize's default as in the book, written as its number
# (PIL numbers its resampling filters 0-5, the same in every version) so that
# Pillow is imported only when an image is resized.
_PIL_BILINEAR = 2


class Resize:
    """The PIL image resized to size: an int, or (width, height) as PIL takes it.

    mode is PIL's resampling filter (bilinear unless told otherwise).
    """

    def __init__(self, size, mode=_PIL_BILINEAR):
        self.size = pair(size)
        self.mode = mode

    def __call__(self, img):
        return img.resize(self.size, self.mode)


class CenterCrop:
    """The middle of the PIL image, of size: an int, or (width, height)."""

    def __init__(self, size):
        self.size = pair(size)

    def __call__(self, img):
        W, H = img.size
        OW, OH = self.size
        # An odd margin leaves its extra pixel on the right (bottom).
        left = (W - OW) // 2
        up = (H - OH) // 2
        return img.crop((left, up, left + OW, up + OH))


class ToArray:
    """A PIL image as an ndarray (channels, height, width) of dtype.

    An ndarray is handed on as it is.
    """

    def __init__(self, dtype=np.float32):
        self.dtype = dtype

    def __call__(self, img):
        if isinstance(img, np.ndarray):
            return img
        Image = _pil_image("ToArray")
        if not isinstance(img, Image.Image):
            raise TypeError("ToArray: expected a PIL image or an ndarray, got "
                            f"{type(img).__name__}")
        array = np.asarray(img)
        if array.ndim == 2:
            # A gray image: one channel.
            array = array[:, :, np.newaxis]
        # (height, width, channels) -> (channels, height, width)
        return array.transpose(2, 0, 1).astype(self.dtype)


class ToPIL:
    """An ndarray (channels, height, width) of bytes as a PIL image."""

    def __call__(self, array):
        Image = _pil_image("ToPIL")
        data = array.transpose(1, 2, 0)
        if data.shape[2] == 1:
            # PIL takes a gray image as 2-D.
            data = data[:, :, 0]
        return Image.fromarray(data)


# torchvision's name for it.
ToPILImage = ToPIL


class RandomHorizontalFlip:
    """Mirror the image left to right with probability p (data augmentation).

    Works on a PIL image or on an ndarray (..., width). The book's was an
    empty placeholder.
    """

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        # numpy's global generator, like the rest of DeZero's randomness:
        # np.random.seed makes the flips repeat.
        if np.random.rand() >= self.p:
            return img
        if isinstance(img, np.ndarray):
            return img[..., ::-1].copy()
        Image = _pil_image("RandomHorizontalFlip")
        return img.transpose(Image.FLIP_LEFT_RIGHT)


class Normalize:
    """(array - mean) / std.

    mean and std are numbers, or one number per channel (the first axis of
    the array, as in (channels, height, width) images).
    """

    def __init__(self, mean=0, std=1):
        self.mean = mean
        self.std = std

    def __call__(self, array):
        mean = self._per_channel(self.mean, array)
        std = self._per_channel(self.std, array)
        return (array - mean) / std

    @staticmethod
    def _per_channel(value, array):
        """value as it broadcasts against array: a number stays a number,
        a sequence becomes shape (channels, 1, 1, ...) in array's dtype."""
        if np.isscalar(value):
            return value
        value = np.asarray(value, dtype=array.dtype)
        return value.reshape((-1,) + (1,) * (array.ndim - 1))


class Flatten:
    """The array as one dimension, e.g. a (1, 28, 28) image as 784 numbers."""

    def __call__(self, array):
        return array.flatten()


class AsType:
    """The array converted to dtype."""

    def __init__(self, dtype=np.float32):
        self.dtype = dtype

    def __call__(self, array):
        return array.astype(self.dtype)


class ToFloat(AsType):
    """The array as floats (float32 unless told otherwise)."""

    def __init__(self, dtype=np.float32):
        super().__init__(dtype)


class ToInt(AsType):
    """The array as integers (Python's int, numpy's default integer, unless told otherwise)."""

    # The book's package wrote np.int, an alias of int that NumPy 1.24 removed.
    def __init__(self, dtype=int):
        super().__init__(dtype)
