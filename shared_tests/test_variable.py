"""Step 19: a Variable that looks and feels like an ndarray."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis.extra import numpy as hnp

from . import adapter as A

cap = pytest.mark.capability


@cap("variable-properties")
def test_name_defaults_to_none_and_can_be_given():
    assert A.dz.Variable(np.array(1.0)).name is None
    assert A.dz.Variable(np.array(1.0), name="x").name == "x"


@cap("variable-properties")
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4)))
def test_properties_follow_the_array(arr):
    x = A.dz.Variable(arr)
    assert x.shape == arr.shape
    assert x.ndim == arr.ndim
    assert x.size == arr.size
    assert x.dtype == arr.dtype
    assert len(x) == len(arr)


@cap("variable-repr")
def test_repr_aligns_rows_under_the_first():
    x = A.dz.Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    assert repr(x) == "variable([[1 2 3]\n          [4 5 6]])"


@cap("variable-repr")
def test_repr_of_empty_variable():
    assert repr(A.dz.Variable(None)) == "variable(None)"


@cap("variable-repr")
def test_print_shows_the_repr(capsys):
    print(A.dz.Variable(np.array([1.0, 2.0])))
    assert capsys.readouterr().out == "variable([1. 2.])\n"
