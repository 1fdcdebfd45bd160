"""Step 17 demo: weak references free each graph as soon as it is dropped."""

import argparse
import gc
import tracemalloc
import weakref

import numpy as np

from dezero import Variable, square


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step17",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # Switch the cycle collector off: whatever is freed below is freed by
    # reference counting alone, which is what weak references make possible.
    gc.disable()
    tracemalloc.start()
    try:
        # The book's loop: each iteration builds a new graph and rebinding
        # x and y drops the previous one.
        sizes = []
        for _ in range(10):
            x = Variable(np.random.randn(10000))  # 80 kB of float64 data
            y = square(square(square(x)))
            current, _peak = tracemalloc.get_traced_memory()
            sizes.append(current)

        # Drop the last graph too: everything back to its input x goes with
        # it (the first Square holds x, so x outlives the graph otherwise).
        x_ref = weakref.ref(x)
        before, _peak = tracemalloc.get_traced_memory()
        del x, y
        after, _peak = tracemalloc.get_traced_memory()
        x_freed = x_ref() is None
    finally:
        tracemalloc.stop()
        gc.enable()

    kib = [round(size / 1024) for size in sizes]
    print("traced memory after each iteration (KiB):", kib)
    growth = sizes[-1] - sizes[0]
    print(f"growth over the loop: {growth / 1024:.0f} KiB")
    # One graph holds 4 arrays of 80 kB; a leak would add that much per loop.
    print("memory stayed flat:", growth < 80_000)

    print(f"dropping the last x and y freed {(before - after) / 1024:.0f} KiB")
    print("its input x freed without the garbage collector:", x_freed)


if __name__ == "__main__":
    main()
