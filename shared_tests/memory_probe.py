"""Seeing memory for real: the cyclic collector off, and weak references to a graph.

With gc disabled only reference counting can free a graph, so a graph that survives `del`
is a graph held by a cycle (or by someone who should not hold it).
"""

import contextlib
import gc
import weakref

from . import adapter as A


@contextlib.contextmanager
def gc_disabled():
    """Collect what is already garbage, then keep the cyclic collector off."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def graph_refs(y):
    """Weak references to every function behind y and every variable they made but y.

    Each function once, however many paths lead to it.
    """
    refs, todo, seen = [], [y.creator], set()
    while todo:
        f = todo.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        refs.append(weakref.ref(f))
        for x in A.inputs_of(f):
            if x.creator is not None:
                refs.append(weakref.ref(x))
                todo.append(x.creator)
    return refs
