"""Tools around the framework: pictures of the graph, helpers, numerical checks.

get_dot_graph() writes a computational graph in graphviz's DOT language and
plot_dot_graph() has graphviz's `dot` program draw it. The numerical tools
(numerical_diff, numerical_grad, gradient_check) moved here from the core:
they check the framework rather than belong to it. reshape_sum_backward()
and sum_to() serve the functions on tensors in dezero/functions.py, and
logsumexp() serves softmax_cross_entropy.
"""

import os
import shutil
import subprocess

import numpy as np

# The package's own names, so that the tools use whichever core it chose.
# dezero/__init__.py imports this module only after binding them.
from dezero import Variable, as_array


# --- Drawing the computational graph ---------------------------------------


def _dot_quote(text):
    """text as a DOT string: in double quotes, with " and \\ escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_var(v, verbose=False):
    """The DOT line for one variable: an orange ellipse named by id(v).

    The label is the variable's name, if it has one; verbose adds its shape
    and dtype, as in "x: (2, 3) float64".
    """
    name = "" if v.name is None else str(v.name)
    if verbose and v.data is not None:
        if v.name is not None:
            name += ": "
        name += f"{v.shape} {v.dtype}"
    # id() tells variables apart even when they share a name (or have none).
    return f"{id(v)} [label={_dot_quote(name)}, color=orange, style=filled]\n"


def _dot_func(f):
    """The DOT lines for one function: a light blue box and its edges.

    The edges run from each input to the function and from the function to
    each output, the direction in which the forward pass computed them.
    """
    txt = (f"{id(f)} [label={_dot_quote(type(f).__name__)}, "
           "color=lightblue, style=filled, shape=box]\n")
    for x in f.inputs:
        txt += f"{id(x)} -> {id(f)}\n"
    for y in f.outputs:
        y = y()  # a weak reference: None if that output was dropped
        if y is not None:
            txt += f"{id(f)} -> {id(y)}\n"
    return txt


def get_dot_graph(output, verbose=True):
    """The graph that computed output, as DOT text: digraph g {...}.

    Walks back from output through the creators, as backward() does, and
    writes each function and each variable once, however many functions a
    variable feeds.
    """
    txt = ""
    funcs = []
    seen_funcs = set()
    # Variables by id: a variable used twice must still be one node.
    seen_vars = set()

    def add_var(v):
        nonlocal txt
        if id(v) not in seen_vars:
            seen_vars.add(id(v))
            txt += _dot_var(v, verbose)

    def add_func(f):
        # Unlike backward(), drawing needs no order: any order will do.
        if f not in seen_funcs:
            seen_funcs.add(f)
            funcs.append(f)

    add_var(output)
    if output.creator is not None:
        add_func(output.creator)
    while funcs:
        f = funcs.pop()
        txt += _dot_func(f)
        for x in f.inputs:
            add_var(x)
            if x.creator is not None:
                add_func(x.creator)
        # A function's other outputs (those not on the way to output) need
        # nodes too, or dot would draw them labelled with their ids.
        for y in f.outputs:
            y = y()
            if y is not None:
                add_var(y)
    return "digraph g {\n" + txt + "}\n"


def plot_dot_graph(output, verbose=True, to_file="graph.png"):
    """Draw the graph that computed output into to_file with graphviz's dot.

    The picture's format comes from to_file's extension (.png, .svg, .pdf,
    ...). The DOT text is written beside it, with the extension .dot, so
    that it is there to read even when no picture can be drawn; a raster
    picture (.png) is capped in size and gets an .svg beside it as well.
    In a Jupyter notebook the picture is returned, so that it shows.
    """
    dot_graph = get_dot_graph(output, verbose)

    stem, extension = os.path.splitext(to_file)
    extension = extension[1:]
    if not extension:
        raise ValueError(
            "plot_dot_graph: to_file needs an extension that names the "
            f"picture's format, such as graph.png; got {to_file!r}")

    # The book writes the DOT text to ~/.dezero/tmp_graph.dot. Writing it
    # beside the picture instead leaves the home folder alone and keeps one
    # graph's text from overwriting another's.
    dot_file = stem + ".dot"
    with open(dot_file, "w", encoding="utf-8") as f:
        f.write(dot_graph)

    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(
            f"plot_dot_graph: cannot draw {to_file}: graphviz's `dot` program "
            "is not on PATH. Install graphviz (apt-get install graphviz, "
            "brew install graphviz, or see https://graphviz.org/download/). "
            f"The graph's DOT text was written to {dot_file}.")
    _run_dot(dot, extension, dot_file, to_file)
    if extension in RASTER_FORMATS:
        # A big graph (tanh's 6th derivative) is capped in pixels and its
        # labels shrink out of sight, so an SVG that scales is drawn beside it.
        _run_dot(dot, "svg", dot_file, stem + ".svg")
    return _for_notebook(to_file, extension)


# Formats whose pictures are pixels. Their size is capped at this many
# inches a side (at dot's 96 dpi: 3840 pixels), so that a huge graph does
# not make a picture too big to open.
RASTER_FORMATS = ("png", "jpg", "jpeg", "gif", "bmp")
MAX_PICTURE_INCHES = 40


def _run_dot(dot, extension, dot_file, to_file):
    """Have dot draw dot_file into to_file in the given format."""
    command = [dot, "-T" + extension, dot_file, "-o", to_file]
    if extension in RASTER_FORMATS:
        # size="W,H" only ever shrinks a drawing that is bigger than W x H.
        side = MAX_PICTURE_INCHES
        command.insert(1, f"-Gsize={side},{side}")
    # A list of arguments, not a shell command: file names with spaces work.
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(
            f"plot_dot_graph: dot could not draw {to_file} from {dot_file} "
            f"(exit status {result.returncode}): {result.stderr.strip()}")


def _for_notebook(to_file, extension):
    """What a Jupyter notebook shows the picture with, or None outside one.

    IPython's Image takes only raster pictures (it raises on an .svg), so an
    SVG gets IPython's SVG and other formats (.pdf) nothing.
    """
    try:
        from IPython import display
    except ImportError:
        return None
    if extension == "svg":
        return display.SVG(filename=to_file)
    if extension in ("png", "jpg", "jpeg", "gif"):
        return display.Image(filename=to_file)
    return None


# --- Helpers for the functions on tensors ----------------------------------


def reshape_sum_backward(gy, x_shape, axis, keepdims):
    """gy, the gradient of a sum of x over axis, reshaped to broadcast to x.

    Summing without keepdims drops the summed axes: x of shape (2, 3, 4)
    summed over axis 1 gives shape (2, 4). Its gradient gy has that shape
    too, and cannot be broadcast back to (2, 3, 4) until the dropped axis
    returns as length 1: (2, 1, 4). That is what this does. gy is a Variable.
    """
    ndim = len(x_shape)
    if axis is None or keepdims or ndim == 0:
        # Either all axes were summed (gy is 0-d, or all ones with keepdims)
        # or they were kept: gy already broadcasts to x_shape.
        return gy
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    # Negative axes count from the end, as in numpy.
    axes = [a % ndim for a in axes]
    # x's shape with each summed axis made length 1: the keepdims shape.
    shape = tuple(1 if i in axes else n for i, n in enumerate(x_shape))
    return gy.reshape(shape)


def sum_to(x, shape):
    """The ndarray x summed down to shape: the reverse of broadcasting.

    Broadcasting shape to x.shape adds axes in front and stretches axes of
    length 1; summing over exactly those axes gives an array of shape again.
    """
    # Line the shapes up from the right, as broadcasting does, and check
    # that shape could have been broadcast to x's shape.
    lead = x.ndim - len(shape)
    if lead < 0 or any(n != 1 and n != m for n, m in zip(shape, x.shape[lead:])):
        raise ValueError(f"sum_to: cannot reduce shape {x.shape} to {shape}")
    # The axes that broadcasting put in front of shape ...
    lead_axes = tuple(range(lead))
    # ... and those it stretched from length 1 (summing an axis that was
    # length 1 on both sides changes nothing).
    stretched = tuple(lead + i for i, n in enumerate(shape) if n == 1)
    # keepdims keeps the stretched axes as length 1; the ones in front are
    # then dropped, leaving shape.
    y = x.sum(axis=lead_axes + stretched, keepdims=True)
    if lead > 0:
        y = y.squeeze(lead_axes)
    return y


# --- Helpers for the functions ------------------------------------------------


def logsumexp(x, axis=1):
    """log(sum(exp(x))) along axis, keeping the axis (an ndarray in and out).

    exp(1000) overflows to inf. Taking the maximum m out first,
    log(sum(exp(x))) = m + log(sum(exp(x - m))), leaves exponents <= 0,
    whose sum is at least 1 (the maximum's own term): finite, and its log too.
    """
    m = x.max(axis=axis, keepdims=True)
    s = np.exp(x - m).sum(axis=axis, keepdims=True)
    return m + np.log(s)


# --- Numerical checks --------------------------------------------------------


def numerical_diff(f, x, eps=1e-4):
    """Approximate f'(x) by the central difference (f(x+eps) - f(x-eps)) / 2eps.

    f maps a Variable to a Variable and x is a Variable. The central
    difference is used because its error shrinks like eps**2, much faster
    than the forward difference (f(x+eps) - f(x)) / eps.
    """
    # A 0-d array plus a float is a numpy scalar: as_array makes it an array.
    x0 = Variable(as_array(x.data - eps))
    x1 = Variable(as_array(x.data + eps))
    y0 = f(x0)
    y1 = f(x1)
    return (y1.data - y0.data) / (2 * eps)


def numerical_grad(f, x, *args, eps=1e-4, **kwargs):
    """Gradient of sum(f(x, *args, **kwargs)) with respect to x, by central differences.

    x is a Variable or an ndarray. Each element of x is nudged by +eps and
    -eps in turn; f gets the nudged copy as a Variable and may return a
    Variable or an ndarray. The sum matches what backward() computes, since
    its seed gradient is all ones. Returns an ndarray of x's shape.
    """
    data = x.data if isinstance(x, Variable) else x
    grad = np.zeros(data.shape, dtype=np.float64)
    for idx in np.ndindex(data.shape):
        # astype makes float64 copies: x itself stays unchanged, and an
        # integer array could not hold x + eps.
        x_plus = data.astype(np.float64)
        x_plus[idx] += eps
        x_minus = data.astype(np.float64)
        x_minus[idx] -= eps
        y1 = _as_numpy_data(f(Variable(x_plus), *args, **kwargs))
        y0 = _as_numpy_data(f(Variable(x_minus), *args, **kwargs))
        grad[idx] = (np.sum(y1) - np.sum(y0)) / (2 * eps)
    return grad


def _as_numpy_data(y):
    """y's array, y a Variable or an array: what numerical_grad sums."""
    if isinstance(y, Variable):
        y = y.data
    return y


def gradient_check(f, x, *args, rtol=1e-4, atol=1e-5, **kwargs):
    """True if backprop's gradient of f at x matches the numerical one.

    f(x, *args, **kwargs) maps a Variable to a Variable; x is a Variable or
    an ndarray of any shape, and args and kwargs are f's other arguments,
    held constant. Both gradients are taken in float64, as the book's are:
    a float32 or integer x is checked through a float64 copy, so float32
    rounding cannot fail a right backward. x itself is left unchanged.
    """
    data = x.data if isinstance(x, Variable) else x
    # A fresh float64 Variable: x keeps its data and its grad, and a gradient
    # left in x by an earlier backward cannot leak into this one.
    x = Variable(data.astype(np.float64))
    y = f(x, *args, **kwargs)
    y.backward()
    # The gradient is a Variable (step 32): compare the ndarray inside it.
    backprop = x.grad.data

    numerical = numerical_grad(f, x, *args, eps=1e-4, **kwargs)
    if backprop.shape != numerical.shape:
        raise ValueError(f"gradient_check: backprop's gradient has shape "
                         f"{backprop.shape}, x has {numerical.shape}")
    return bool(np.allclose(backprop, numerical, rtol=rtol, atol=atol))
