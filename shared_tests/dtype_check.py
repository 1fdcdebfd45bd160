"""The suite's one dtype assertion: a failure that says it is about a dtype, and which.

Tests that check a dtype call `expect_dtype(value, expected, what)`. Its failure is a
`DtypeMismatch` (an AssertionError) carrying `.expected` and `.obtained`, so the known
defect of the book's float32 promotion (book_defects.py) explains exactly these failures,
float32 expected and float64 obtained, and nothing that merely prints a float64.
"""

from __future__ import annotations

import numpy as np


class DtypeMismatch(AssertionError):
    """A value's dtype is not the one the test expected."""

    def __init__(self, what: str, obtained, expected):
        self.what = what
        self.obtained = np.dtype(obtained)
        self.expected = np.dtype(expected)
        super().__init__(f"{what}: dtype {self.obtained.name}, expected {self.expected.name}")


def dtype_of(value) -> np.dtype:
    """The dtype of an ndarray, a Variable (its data) or a dtype itself."""
    if isinstance(value, np.dtype):
        return value
    if not isinstance(value, (np.ndarray, np.generic)) and hasattr(value, "data"):
        value = value.data
    return np.asarray(value).dtype


def expect_dtype(value, expected, what: str = "the result") -> None:
    """Raise DtypeMismatch unless `value` (array, Variable or dtype) has dtype `expected`."""
    obtained = dtype_of(value)
    if obtained != np.dtype(expected):
        raise DtypeMismatch(what, obtained, expected)
