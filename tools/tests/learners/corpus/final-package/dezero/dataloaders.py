"""DataLoader: mini-batches from a Dataset, one epoch after another.

    for x, t in DataLoader(train_set, batch_size=30):
        ...

gives batches of up to 30 examples as two ndarrays, the data and the labels,
in a new random order each epoch (shuffle=True), until the epoch ends.
With gpu=True (or after to_gpu()) the batches are cupy arrays, on the GPU.
SeqDataLoader (step 60) walks through one sequence at batch_size places
at once, for recurrent networks.
"""

import importlib.util
import math

import numpy as np

from dezero import cuda

# Whether Pillow is installed, as the book's module says. The book imported
# Pillow here to find out; asking where it would be found answers the same
# without importing it, so that `import dezero` needs numpy only.
pil_available = importlib.util.find_spec("PIL") is not None


class DataLoader:
    """Iterate over a dataset in mini-batches of batch_size examples."""

    def __init__(self, dataset, batch_size, shuffle=True, gpu=False):
        if (isinstance(batch_size, bool)
                or not isinstance(batch_size, (int, np.integer))
                or batch_size <= 0):
            raise ValueError(
                "DataLoader: batch_size must be a positive integer, "
                f"got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.data_size = len(dataset)
        # The last batch may be short: 300 examples in batches of 32 make
        # 10 batches, the last of 12.
        self.max_iter = math.ceil(self.data_size / batch_size)
        # Refused here rather than at the first batch, far from the cause.
        if gpu:
            cuda.check_available("DataLoader(gpu=True)")
        self.gpu = gpu
        self.reset()

    def reset(self):
        """Start a new epoch: the first batch next, in a fresh order."""
        self.iteration = 0
        if self.shuffle:
            self.index = np.random.permutation(len(self.dataset))
        else:
            self.index = np.arange(len(self.dataset))

    def __iter__(self):
        return self

    def __next__(self):
        if self.iteration >= self.max_iter:
            # The epoch is over. Reset first, so that the next for-loop over
            # this loader starts a new epoch, in a new order.
            self.reset()
            raise StopIteration

        i, batch_size = self.iteration, self.batch_size
        batch_index = self.index[i * batch_size:(i + 1) * batch_size]
        batch = [self.dataset[j] for j in batch_index]
        # The examples are numpy arrays; the batch is made where the model
        # computes, so that no copy is needed there.
        xp = cuda.cupy if self.gpu else np
        x = xp.array([example[0] for example in batch])
        t = xp.array([example[1] for example in batch])

        self.iteration += 1
        return x, t

    def next(self):
        """The next batch (the book's spelling of next(loader))."""
        return self.__next__()

    def to_cpu(self):
        """Hand out the batches as numpy arrays from now on."""
        self.gpu = False

    def to_gpu(self):
        """Hand out the batches as cupy arrays from now on. Needs CuPy and a GPU."""
        cuda.check_available("to_gpu")
        self.gpu = True


class SeqDataLoader(DataLoader):
    """Batches from a sequence, in order, for training a recurrent network.

    The sequence is read at batch_size places at once, spaced
    len(dataset) // batch_size apart: row i of batch t is example
    (i * jump + t) % len(dataset). So each row of the batch follows its own
    stretch of the sequence in order, one step per batch, and the hidden
    state that a recurrent layer keeps for row i always belongs to the same
    stretch. Never shuffled.
    """

    def __init__(self, dataset, batch_size, gpu=False):
        super().__init__(dataset=dataset, batch_size=batch_size, shuffle=False,
                         gpu=gpu)
        if batch_size > self.data_size:
            # The places would be 0 apart: every row the same example.
            raise ValueError(
                f"SeqDataLoader: batch_size {batch_size} is larger than the "
                f"sequence ({self.data_size} examples)")

    def __next__(self):
        if self.iteration >= self.max_iter:
            self.reset()
            raise StopIteration

        jump = self.data_size // self.batch_size
        batch_index = [(i * jump + self.iteration) % self.data_size
                       for i in range(self.batch_size)]
        batch = [self.dataset[j] for j in batch_index]
        xp = cuda.cupy if self.gpu else np
        x = xp.array([example[0] for example in batch])
        t = xp.array([example[1] for example in batch])

        self.iteration += 1
        return x, t
