"""Datasets: data to train on.

get_spiral() makes the spiral data of the book's step 48: three classes of
points winding around the origin, which no straight line can separate.
A Dataset hands out one example at a time, (data, label), with the
transforms applied; Spiral is get_spiral's data as a Dataset.
"""

import numpy as np


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
