"""Transforms: preprocessing applied to each example as a Dataset hands it out.

Each transform is a callable object: Normalize(0., 255.)(array) returns the
normalised array. Compose chains several into one:
Compose([Flatten(), ToFloat(), Normalize(0., 255.)]) turns an image of
bytes into a row of floats in [0, 1].
"""

import numpy as np


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
    """The array as integers (numpy's default int unless told otherwise)."""

    # Python's int, which numpy reads as its default integer (np.int_): the
    # book wrote np.int, an alias of int that NumPy 1.24 removed.
    def __init__(self, dtype=int):
        super().__init__(dtype)
