"""Datasets: data to train on.

get_spiral() makes the spiral data of the book's step 48: three classes of
points winding around the origin, which no straight line can separate.
"""

import numpy as np


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
