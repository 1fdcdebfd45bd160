"""Steps 55 and 57: the sizes of a convolution, then convolution and pooling.

Sizes are checked against counting the positions a window can take; convolution and
pooling against direct loops written here (ops.py's references), one output element at
a time, and their gradients by central differences (gradcheck.py and the op table).
"""

import pytest

from . import adapter as A

cap = pytest.mark.capability


def utils():
    return A.module("utils")


def positions(size, kernel, stride, pad):
    """How many places a window of `kernel` takes along a padded axis, by counting."""
    padded = size + 2 * pad
    return len([start for start in range(0, padded, stride) if start + kernel <= padded])


# ---- step 55: sizes -----------------------------------------------------------------------


@cap("conv-outsize")
def test_get_conv_outsize_counts_the_positions_of_the_window():
    assert utils().get_conv_outsize(4, 3, 1, 1) == 4  # the book's example
    for size in range(1, 8):
        for pad in range(3):
            for kernel in range(1, size + 2 * pad + 1):
                for stride in range(1, 4):
                    where = f"size {size}, kernel {kernel}, stride {stride}, pad {pad}"
                    assert utils().get_conv_outsize(size, kernel, stride, pad) == \
                        positions(size, kernel, stride, pad), where


@cap("conv-outsize")
def test_pair_makes_an_int_a_pair_and_keeps_a_pair():
    assert utils().pair(3) == (3, 3)
    assert utils().pair((2, 5)) == (2, 5)
    with pytest.raises(ValueError):
        utils().pair("3")


@pytest.mark.convention("an error names the operation")
@cap("conv-outsize")
@pytest.mark.parametrize("args", [(3, 8, 1, 1), (0, 1, 1, 0), (4, 3, 0, 0), (4, 3, 1, -1),
                                  (4.0, 3, 1, 0), (4, True, 1, 0)], ids=str)
def test_a_size_that_cannot_be_names_get_conv_outsize(args):
    with pytest.raises(ValueError, match="get_conv_outsize"):
        utils().get_conv_outsize(*args)


@pytest.mark.convention("an error names the operation")
@cap("conv-outsize")
@pytest.mark.parametrize("value", [(1, 2, 3), (2.0, 2), [2, 2], None, True], ids=repr)
def test_pair_names_itself_for_anything_but_an_int_or_two(value):
    with pytest.raises(ValueError, match="pair"):
        utils().pair(value)
