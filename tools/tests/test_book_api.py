"""dezero_stages.book_api: the rule for "takes the book's calls", on signatures as text."""

import numpy as np
import pytest

from dezero_stages import book_api


@pytest.mark.parametrize(("book", "stage"), [
    ("(x, shape)", "(x, shape)"),
    ("(x, axis=None, keepdims=False)", "(x, axis=None, keepdims=False, *, like=None)"),
    ("(axis, keepdims)", "(axis=None, keepdims=False)"),  # a default the book lacks: more
    ("(f, x, *args, **kwargs)", "(f, x, *args, eps=0.0001, **kwargs)"),
    ("(transforms=[])", "(transforms=())"),
    ("(x, *, like=None)", "(x, like=None)"),  # keyword-only in the book, positional here
])
def test_takes_the_books_calls(book, stage):
    assert book_api.mismatches(book, stage) == []


@pytest.mark.parametrize(("book", "stage", "says"), [
    ("(x, shape)", "(shape, x)", "position 1 is 'shape'"),
    ("(x, array_module=np)", "(x, *, like=None)", "missing positional parameter"),
    ("(lr=0.01, momentum=0.9)", "(lr=0.1, momentum=0.9)", "defaults to 0.1"),
    ("(*args, **kwargs)", "()", "no *args"),
    ("(*inputs)", "(x)", "no *args"),
    ("(x)", "(x, z)", "extra required parameter 'z'"),
    ("(x)", "(x, *, z)", "extra required keyword 'z'"),
    ("(*, eps=1)", "()", "missing keyword 'eps'"),
])
def test_does_not(book, stage, says):
    problems = book_api.mismatches(book, stage)
    assert any(says in p for p in problems), problems


def test_signature_text_writes_defaults_one_way():
    def f(x, dtype=np.float32, xp=np, axis=(1, 2), *args, eps=1e-4, **kwargs):
        pass

    assert book_api.signature_text(f) == \
        "(x, dtype=np.float32, xp=np, axis=(1, 2), *args, eps=0.0001, **kwargs)"

    class C:
        def update(self, *args, **kwargs):
            pass

        @staticmethod
        def make(a, b=2):
            pass

    assert book_api.member_signature(C, "update") == "(*args, **kwargs)"
    assert book_api.member_signature(C, "make") == "(a, b=2)"
    assert book_api.parse("(a, *b, c=1, **d)") == [
        book_api.Param("a", book_api.POSITIONAL), book_api.Param("b", book_api.VAR_POSITIONAL),
        book_api.Param("c", book_api.KEYWORD, "1"), book_api.Param("d", book_api.VAR_KEYWORD)]
