"""Step 26: the computational graph as DOT text, and as a picture drawn by graphviz's dot.

The DOT text is parsed back (shared_tests/dotparse.py, and graphviz itself where `dot` is
installed) and checked as a graph: which nodes, which labels, which edges, how many of each.
It is never compared as a string, so any layout of the text that draws the same graph passes.
"""

import collections
import json
import pathlib
import shutil
import subprocess
import sys
import types

import numpy as np
import pytest

from . import adapter as A
from . import dotparse

cap = pytest.mark.capability

DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="graphviz's `dot` is not installed "
                                                   "(apt-get install graphviz)")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def utils():
    return A.module("utils")


def _named(value, name):
    v = A.var(value)
    v.name = name
    return v


def _diamond():
    """x and y in; x feeds two functions, and so does a (so Mul#1 is reached twice).

        a = x * y      (Mul)
        b = x ** 2     (Square)
        c = a + b      (Add)
        z = c * a      (Mul)
    """
    x = _named(np.ones((2, 3)), "x")
    y = _named(np.full((2, 3), 2.0), "y")
    a = x * y
    a.name = "a"
    b = A.square(x)
    b.name = "b"
    c = a + b
    c.name = "c"
    z = c * a
    z.name = "z"
    return z, [x, y, a, b, c]


# What _diamond must draw: every function as (label, its inputs' labels in order, output).
DIAMOND_FUNCTIONS = sorted([
    ("Mul", ("x", "y"), "a"),
    ("Square", ("x",), "b"),
    ("Add", ("a", "b"), "c"),
    ("Mul", ("c", "a"), "z"),
])
DIAMOND_VARIABLES = ["a", "b", "c", "x", "y", "z"]
FUNCTION_LABELS = {"Mul", "Square", "Add", "Exp", "Sin", "Neg", "Sub", "Div", "Pow"}


def _parse(output, **kwargs):
    text = utils().get_dot_graph(output, **kwargs)
    assert isinstance(text, str)
    return dotparse.parse(text)


def _functions_of(graph):
    """(label, input labels in edge order, output labels) for every function node."""
    found = []
    for node in graph.nodes:
        if graph.label(node) in FUNCTION_LABELS:
            ins = tuple(graph.label(t) for t in graph.predecessors(node))
            outs = [graph.label(h) for h in graph.successors(node)]
            assert len(outs) == 1, f"{graph.label(node)} has outputs {outs}"
            found.append((graph.label(node), ins, outs[0]))
    return sorted(found)


@cap("dot-graph")
def test_the_dot_reader_follows_the_dot_language():
    # The reader the checks below rely on, on a text with what they must get right: repeated
    # node statements merge, repeated edges do not, chains, defaults, escapes, comments.
    text = ('/* a comment */ strict digraph "g" {\n'
            '  node [shape=ellipse];\n'
            '  a [label="say \\"hi\\""]; a [color=red]  // the same node again\n'
            '  b; a -> b -> c [label=e]; a -> b\n'
            '# a preprocessor line\n'
            '  rankdir = LR\n'
            '}\n')
    g = dotparse.parse(text)
    assert (g.name, g.directed, g.strict) == ("g", True, True)
    assert list(g.nodes) == ["a", "b", "c"]
    assert g.nodes["a"] == {"shape": "ellipse", "label": 'say "hi"', "color": "red"}
    assert g.nodes["c"] == {"shape": "ellipse"}  # created by an edge, with the defaults
    assert g.declarations == collections.Counter(a=2, b=1)
    assert [(t, h, e) for t, h, e in g.edges] == [
        ("a", "b", {"label": "e"}), ("b", "c", {"label": "e"}), ("a", "b", {})]
    assert g.attributes == {"rankdir": "LR"}
    for bad in ("digraph { a -> }", "graph { a -> b }", "digraph { subgraph s { a } }",
                "digraph { a } b", "digraph { a [label=<b>] }", "digraph { a:p -> b }"):
        with pytest.raises(dotparse.DotParseError):
            dotparse.parse(bad)


@cap("dot-graph")
def test_one_node_per_variable_and_per_function():
    z, _ = _diamond()
    g = _parse(z, verbose=False)
    assert g.directed
    labels = collections.Counter(g.label(n) for n in g.nodes)
    # x and a feed two functions each, and Mul#1 is reached on two paths: still one node each.
    assert labels == collections.Counter(DIAMOND_VARIABLES + ["Mul", "Mul", "Square", "Add"])


@cap("dot-graph")
def test_edges_run_input_to_function_to_output():
    z, _ = _diamond()
    g = _parse(z, verbose=False)
    assert _functions_of(g) == DIAMOND_FUNCTIONS
    # 7 input edges and 4 output edges, each exactly once: a function drawn twice (or an
    # edge written twice) would double some of them.
    assert len(g.edges) == 11
    pairs = collections.Counter((t, h) for t, h, _ in g.edges)
    assert max(pairs.values()) == 1
    for tail, head, _ in g.edges:  # bipartite: variable -> function -> variable
        assert (g.label(tail) in FUNCTION_LABELS) != (g.label(head) in FUNCTION_LABELS)


@cap("dot-graph")
def test_each_node_is_written_once():
    # graphviz merges repeated statements of one node ID, so the picture alone would not show
    # a variable or function written again each time it is reached; the text must not do it.
    z, _ = _diamond()
    g = _parse(z)
    assert set(g.declarations) == set(g.nodes)  # every node declared, with its label
    repeated = {g.label(n): k for n, k in g.declarations.items() if k > 1}
    assert not repeated, f"nodes written more than once: {repeated}"


@cap("dot-graph")
def test_nodes_are_distinct_objects_even_with_equal_names():
    # Two different variables both named "t": two nodes, told apart by their IDs.
    t1, t2 = _named(1.0, "t"), _named(2.0, "t")
    y = t1 * t2
    y.name = "y"
    g = _parse(y, verbose=False)
    assert sorted(g.label(n) for n in g.nodes) == ["Mul", "t", "t", "y"]
    assert _functions_of(g) == [("Mul", ("t", "t"), "y")]


@cap("dot-graph")
def test_a_variable_used_twice_by_one_function_is_one_node():
    x = _named(3.0, "x")
    y = x * x
    y.name = "y"
    g = _parse(y, verbose=False)
    assert sorted(g.label(n) for n in g.nodes) == ["Mul", "x", "y"]
    (mul,) = [n for n in g.nodes if g.label(n) == "Mul"]
    assert {g.label(t) for t in g.predecessors(mul)} == {"x"}


@cap("dot-graph")
def test_verbose_labels_give_name_shape_and_dtype():
    z, _ = _diamond()
    unnamed = A.dz.Variable(np.zeros(4, dtype=np.float32))
    w = A.exp(unnamed)
    w.name = "w"
    for graph in (_parse(z), _parse(z, verbose=True)):  # verbose is the default
        labels = sorted(graph.label(n) for n in graph.nodes
                        if graph.label(n) not in FUNCTION_LABELS)
        # The book's form: "name: shape dtype".
        assert labels == [f"{name}: (2, 3) float64" for name in DIAMOND_VARIABLES]
    g = _parse(w)
    labels = {g.label(n) for n in g.nodes}
    assert labels == {"(4,) float32", "Exp", "w: (4,) float32"}


@cap("dot-graph")
def test_terse_labels_are_names_only():
    x = A.dz.Variable(np.zeros((5, 7)))  # no name
    y = A.exp(x)
    y.name = "y"
    g = _parse(y, verbose=False)
    labels = sorted(g.nodes[n].get("label") for n in g.nodes)
    assert labels == ["", "Exp", "y"]  # the unnamed input gets an empty label, not its ID


@cap("dot-graph")
def test_functions_are_boxes_and_variables_are_not():
    z, _ = _diamond()
    g = _parse(z)
    for node, attrs in g.nodes.items():
        is_function = g.label(node) in FUNCTION_LABELS
        assert (attrs.get("shape") == "box") == is_function, (g.label(node), attrs)


@cap("dot-graph")
def test_every_operator_is_drawn_with_its_class_name():
    x = _named(2.0, "x")
    y = ((-x - 1.0) / x) ** 2
    y.name = "y"
    g = _parse(y, verbose=False)
    labels = collections.Counter(g.label(n) for n in g.nodes)
    assert labels["Neg"] == labels["Sub"] == labels["Div"] == labels["Pow"] == 1
    assert labels["x"] == 1


@cap("dot-graph")
@needs_dot
def test_graphviz_reads_the_same_graph():
    # An independent reader of the DOT language: graphviz's own, through `dot -Tjson`.
    z, _ = _diamond()
    text = utils().get_dot_graph(z)
    mine = dotparse.parse(text)
    run = subprocess.run([DOT, "-Tjson"], input=text, capture_output=True, text=True,
                         timeout=60, check=True)
    theirs = json.loads(run.stdout)
    names = {obj["_gvid"]: obj["name"] for obj in theirs["objects"]}
    assert set(names.values()) == set(mine.nodes)
    for obj in theirs["objects"]:
        assert obj.get("label", obj["name"]) == mine.label(obj["name"])
    edges = collections.Counter((names[e["tail"]], names[e["head"]]) for e in theirs["edges"])
    assert edges == collections.Counter((t, h) for t, h, _ in mine.edges)


def _png_size(path: pathlib.Path):
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_MAGIC, f"{path} is not a PNG: starts with {head[:8]!r}"
    assert head[12:16] == b"IHDR"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """An empty working folder and home, so nothing lands outside tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


@cap("dot-render")
@needs_dot
def test_plot_writes_a_png(sandbox):
    z, _ = _diamond()
    target = sandbox / "out" / "graph.png"
    target.parent.mkdir()
    utils().plot_dot_graph(z, verbose=True, to_file=str(target))
    width, height = _png_size(target)
    # Ten nodes on a path seven ranks deep (x -> Mul -> a -> Add -> c -> Mul -> z): a real
    # picture of some height, not an empty or placeholder image.
    assert width > 50 and height > 200


@cap("dot-render")
@needs_dot
def test_the_extension_chooses_the_format(sandbox):
    z, _ = _diamond()
    target = sandbox / "graph.svg"
    utils().plot_dot_graph(z, to_file=str(target))
    svg = target.read_text()
    assert "<svg" in svg and "Square" in svg


def _written_dot_files(root: pathlib.Path):
    return sorted(p for p in root.rglob("*") if p.suffix in (".dot", ".gv") and p.is_file())


@pytest.mark.convention("an error names the operation")
@cap("dot-render")
def test_without_dot_it_names_graphviz_and_still_writes_the_dot_text(sandbox, monkeypatch):
    empty = sandbox / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    z, _ = _diamond()
    target = sandbox / "graph.png"
    with pytest.raises(Exception, match="(?i)graphviz") as info:
        utils().plot_dot_graph(z, verbose=False, to_file=str(target))
    assert not target.exists(), "no picture can be drawn, so none may be left behind"
    written = _written_dot_files(sandbox)
    assert len(written) == 1, f"expected the graph's .dot text, found {written}"
    # The message should say where the text went.
    assert written[0].name in str(info.value)
    got = dotparse.parse(written[0].read_text())
    expected = _parse(z, verbose=False)
    assert got.nodes == expected.nodes
    assert collections.Counter((t, h) for t, h, _ in got.edges) == collections.Counter(
        (t, h) for t, h, _ in expected.edges)


@cap("dot-render")
def test_a_file_name_without_extension_is_rejected(sandbox):
    z, _ = _diamond()
    target = sandbox / "graph"
    with pytest.raises((ValueError, RuntimeError)):
        utils().plot_dot_graph(z, to_file=str(target))  # which picture format? none given
    assert not target.exists()


@cap("dot-render")
@needs_dot
def test_an_unknown_format_reports_dots_complaint(sandbox):
    z, _ = _diamond()
    target = sandbox / "graph.nosuchformat"
    with pytest.raises(Exception, match="nosuchformat"):
        utils().plot_dot_graph(z, to_file=str(target))


def _ipython_stand_in(monkeypatch):
    """A test stand-in for IPython.display, strict where the real one is strict.

    IPython's Image embeds raster pictures only and raises ValueError for anything else
    (an .svg included); SVG takes an .svg. What was shown is recorded.
    """
    shown = []

    class Image:
        def __init__(self, filename):
            if pathlib.Path(filename).suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif"):
                raise ValueError(f"Cannot embed the {pathlib.Path(filename).suffix!r} image "
                                 "format")
            shown.append(("Image", filename))

    class SVG:
        def __init__(self, filename):
            shown.append(("SVG", filename))

    ipython = types.ModuleType("IPython")
    ipython.display = types.SimpleNamespace(Image=Image, SVG=SVG)
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", ipython.display)
    return ipython.display, shown


@cap("dot-render")
@needs_dot
def test_in_a_notebook_the_picture_is_returned_for_display(sandbox, monkeypatch):
    # The book returns IPython's Image of the file, so Jupyter shows the graph in place.
    display, shown = _ipython_stand_in(monkeypatch)
    z, _ = _diamond()
    target = sandbox / "graph.png"
    result = utils().plot_dot_graph(z, to_file=str(target))
    assert isinstance(result, display.Image)
    assert shown == [("Image", str(target))]
    _png_size(target)


@cap("dot-render")
@needs_dot
def test_in_a_notebook_an_svg_is_shown_as_svg_and_a_pdf_not_at_all(sandbox, monkeypatch):
    # IPython's Image raises on an .svg: the stages before the fix crashed here.
    display, shown = _ipython_stand_in(monkeypatch)
    z, _ = _diamond()
    svg = sandbox / "graph.svg"
    assert isinstance(utils().plot_dot_graph(z, to_file=str(svg)), display.SVG)
    assert shown == [("SVG", str(svg))]
    pdf = sandbox / "graph.pdf"
    assert utils().plot_dot_graph(z, to_file=str(pdf)) is None
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.convention("this project caps graph pictures")
@cap("dot-render")
@needs_dot
def test_a_png_is_capped_in_size_and_gets_an_svg_beside_it(sandbox, monkeypatch):
    # With the cap at one inch (96 pixels at dot's 96 dpi) the diamond, drawn at its natural
    # size above 200 pixels high, must shrink to fit; its SVG beside it keeps every label.
    monkeypatch.setattr(utils(), "MAX_PICTURE_INCHES", 1)
    z, _ = _diamond()
    target = sandbox / "graph.png"
    utils().plot_dot_graph(z, to_file=str(target))
    width, height = _png_size(target)
    assert max(width, height) <= 96 + 2  # dot may round up a pixel
    svg = (sandbox / "graph.svg").read_text()
    assert "<svg" in svg and all(name in svg for name in ("Square", "Mul", "Add"))
