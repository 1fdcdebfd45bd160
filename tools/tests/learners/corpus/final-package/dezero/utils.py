"""Tools around the framework: pictures of the graph, helpers, numerical checks.

get_dot_graph() writes a computational graph in graphviz's DOT language and
plot_dot_graph() has graphviz's `dot` program draw it. The numerical tools
(numerical_diff, numerical_grad, gradient_check) moved here from the core:
they check the framework rather than belong to it. reshape_sum_backward()
and sum_to() serve the functions on tensors in dezero/functions.py, and
logsumexp() serves softmax_cross_entropy. get_file() downloads a data set's
file once into a cache folder (cache_dir), verified. get_conv_outsize(),
get_deconv_outsize() and pair() are the arithmetic of convolution's sizes.
Step 60 adds the book's array_equal() and array_allclose() (which take
Variables and GPU arrays too) and show_progress(), the download's progress
bar; numerical_grad() and gradient_check() pass extra arguments on to f.
"""

import hashlib
import http.client
import os
import shutil
import subprocess
import tempfile
import urllib.request

import numpy as np

# The package's own names, so that the tools use whichever core it chose.
# dezero/__init__.py imports this module only after binding them.
# (as_variable is not used here; the book's utils imports it, so programs
# reach it as dezero.utils.as_variable.)
from dezero import Variable, as_array, as_variable, cuda  # noqa: F401


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


def max_backward_shape(x, axis):
    """x's shape with the axes that max (or min) reduced made length 1, as a list.

    The gradient of F.max goes back to the elements that were the largest;
    to find them, y (and its gradient) must line up with x, so each
    reduced axis comes back as length 1: x of shape (2, 3, 4) and axis 1
    give [2, 1, 4]; axis None reduced every axis. The book's Max.backward
    calls this (ours uses reshape_sum_backward, which reshapes the gradient
    itself); it stays for programs written against the book's utils.
    A negative axis counts from the end, as in numpy (the book's compared it
    with the positions as given, so axis=-1 changed nothing).
    """
    ndim = len(x.shape)
    if axis is None:
        axes = range(ndim)
    elif isinstance(axis, (int, np.integer)):
        axes = (axis % ndim,)
    else:
        axes = tuple(a % ndim for a in axis)
    return [1 if i in axes else n for i, n in enumerate(x.shape)]


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
    xp = cuda.get_array_module(x)
    m = x.max(axis=axis, keepdims=True)
    s = xp.exp(x - m).sum(axis=axis, keepdims=True)
    return m + xp.log(s)


# --- Sizes in convolution ----------------------------------------------------------


def _is_int(x):
    """True for a Python or numpy integer; False for a bool, which is not a size."""
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def get_conv_outsize(input_size, kernel_size, stride, pad):
    """The output size of a convolution along one axis (height or width).

    The input is padded with pad elements on both sides, and the kernel
    slides over it stride elements at a time: it fits at positions 0,
    stride, 2 * stride, ... as long as it does not run off the end. That
    is (input_size + 2 * pad - kernel_size) // stride + 1 positions.
    """
    for name, value, least in (("input_size", input_size, 1),
                               ("kernel_size", kernel_size, 1),
                               ("stride", stride, 1), ("pad", pad, 0)):
        if not _is_int(value) or value < least:
            raise ValueError(f"get_conv_outsize: {name} must be an integer "
                             f">= {least}, got {value!r}")
    padded = input_size + 2 * pad
    if kernel_size > padded:
        raise ValueError(
            f"get_conv_outsize: the kernel ({kernel_size}) is larger than the "
            f"padded input ({input_size} + 2 * {pad} = {padded})")
    return (padded - kernel_size) // stride + 1


def get_deconv_outsize(size, k, s, p):
    """The output size of a transposed convolution (deconv2d) along one axis,
    for kernel size k, stride s and pad p (the book's short names).

    The reverse of get_conv_outsize: the smallest input that a convolution
    with this kernel, stride and pad would shrink to size. Each of the size
    positions, s apart, spreads the kernel over the padded output.
    """
    return s * (size - 1) + k - 2 * p


def pair(x):
    """x as a (height, width) pair: an int n is (n, n); a pair is itself.

    Kernel sizes, strides and paddings may be given either way:
    kernel_size=3 means a 3x3 kernel, kernel_size=(3, 5) a 3x5 one.
    """
    if _is_int(x):
        return (x, x)
    if isinstance(x, tuple) and len(x) == 2 and all(_is_int(n) for n in x):
        return x
    raise ValueError(
        f"pair: expected an int or a tuple of two ints, got {x!r}")


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
    its seed gradient is all ones. Returns a numpy ndarray of x's shape,
    even for x on the GPU.
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
    """y's array on the CPU, y a Variable or an array: what numerical_grad sums."""
    if isinstance(y, Variable):
        y = y.data
    # A GPU array cannot be summed into the numpy array grad.
    return cuda.as_numpy(y)


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
    # The gradient is a Variable (step 32): compare the ndarray inside it,
    # on the CPU, where numerical_grad's result is.
    backprop = cuda.as_numpy(x.grad.data)

    numerical = numerical_grad(f, x, *args, eps=1e-4, **kwargs)
    if backprop.shape != numerical.shape:
        raise ValueError(f"gradient_check: backprop's gradient has shape "
                         f"{backprop.shape}, x has {numerical.shape}")
    return bool(np.allclose(backprop, numerical, rtol=rtol, atol=atol))


def array_equal(a, b):
    """True if a and b (arrays or Variables, on the CPU or GPU) have the same
    shape and elements."""
    a = a.data if isinstance(a, Variable) else a
    b = b.data if isinstance(b, Variable) else b
    return bool(np.array_equal(cuda.as_numpy(a), cuda.as_numpy(b)))


def array_allclose(a, b, rtol=1e-4, atol=1e-5):
    """True if a and b (arrays or Variables, on the CPU or GPU) are equal
    element by element within the tolerances (numpy's allclose)."""
    a = a.data if isinstance(a, Variable) else a
    b = b.data if isinstance(b, Variable) else b
    return bool(np.allclose(cuda.as_numpy(a), cuda.as_numpy(b), rtol=rtol,
                            atol=atol))


# --- Downloading files -----------------------------------------------------------


# Where get_file keeps what it downloads: the folder named by the environment
# variable DEZERO_CACHE when it is set (read once, when dezero is imported),
# else ~/.dezero as in the book. A program or a test may also set
# dezero.utils.cache_dir itself; get_file reads it at each call.
cache_dir = (os.environ.get("DEZERO_CACHE")
             or os.path.join(os.path.expanduser("~"), ".dezero"))


class DownloadError(OSError):
    """A file could not be downloaded (no network, server error, ...)."""


def _file_digest(path, algorithm):
    """The hex digest of the file at path (e.g. algorithm "md5", "sha256")."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        # In blocks: the whole file need not fit in memory.
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify_file(path, size=None, md5=None, sha256=None):
    """Raise ValueError unless the file at path has the given size and digests.

    A check whose value is None is skipped.
    """
    if size is not None:
        actual = os.path.getsize(path)
        if actual != size:
            raise ValueError(
                f"{actual} bytes, expected {size}: incomplete or not the right file")
    for algorithm, expected in (("md5", md5), ("sha256", sha256)):
        if expected is not None:
            actual = _file_digest(path, algorithm)
            if actual != expected.lower():
                raise ValueError(
                    f"{algorithm} {actual}, expected {expected}: corrupt or "
                    "not the right file")


def show_progress(block_num, block_size, total_size):
    """Print a progress bar, "[#########.....................] 30.00%".

    block_num blocks of block_size bytes of total_size have arrived (the
    arguments that urllib.request.urlretrieve gives its reporthook). The
    bar is rewritten in place (\\r).
    """
    downloaded = block_num * block_size
    p = min(downloaded / total_size * 100, 100.0)
    i = min(int(downloaded / total_size * 30), 30)
    bar = "#" * i + "." * (30 - i)
    print(f"\r[{bar}] {p:.2f}%", end="")


def _download(url, path, label):
    """Write the body at url into the file path, printing progress.

    "Downloading: label", then show_progress's bar, rewritten as the
    download goes, when the server says how long the file is.
    """
    print("Downloading: " + label)
    block_size = 1 << 16
    try:
        with urllib.request.urlopen(url, timeout=30) as response, \
                open(path, "wb") as f:
            total = response.length  # None if the server does not say
            done = 0
            block_num = 0
            shown = -1
            while True:
                block = response.read(block_size)
                if not block:
                    break
                f.write(block)
                done += len(block)
                block_num += 1
                # Only when the percentage changes: a big file has
                # thousands of blocks.
                if total and int(done * 100 / total) != shown:
                    shown = int(done * 100 / total)
                    show_progress(block_num, block_size, total)
        if total is not None and done != total:
            # The server said how long the file is, and the connection
            # closed before that.
            raise OSError(f"the connection closed after {done} of {total} bytes")
        print(" Done", end="")
    finally:
        # End the progress line, whether the download finished or not.
        print()


def get_file(url, file_name=None, *, size=None, md5=None, sha256=None,
             check=None):
    """The path of url's file in the cache folder, downloading it if needed.

    file_name defaults to the last part of url. size (bytes), md5 and sha256,
    where given, are checked; check(path), where given, is called on a
    downloaded file and must raise ValueError if the file is not usable
    (e.g. does not parse). The download goes to a temporary file in the
    cache folder, renamed only once every check has passed, so that the
    cache never holds a partial or corrupt file, even after an interruption.
    A file already in the cache is checked for size and digests only.
    """
    if file_name is None:
        file_name = url[url.rfind("/") + 1:]
    file_path = os.path.join(cache_dir, file_name)

    if os.path.exists(file_path):
        try:
            _verify_file(file_path, size, md5, sha256)
        except ValueError as e:
            raise ValueError(
                f"get_file: {file_path} has {e}; delete it to download it "
                f"again from {url}") from None
        return file_path

    os.makedirs(cache_dir, exist_ok=True)
    # The temporary file is in the same folder, so that the rename below
    # is atomic: readers see no file or the whole file, never a part.
    fd, tmp_path = tempfile.mkstemp(dir=cache_dir, prefix=file_name + ".",
                                    suffix=".part")
    os.close(fd)
    try:
        try:
            _download(url, tmp_path, file_name)
        except (OSError, http.client.HTTPException) as e:
            # urllib's errors are OSErrors (refused, not found, timed out,
            # ...); http.client's are for a reply that is not proper HTTP.
            raise DownloadError(
                f"get_file: could not download {url} ({e}). Download it by "
                f"hand and save it as {file_path}") from e
        try:
            _verify_file(tmp_path, size, md5, sha256)
        except ValueError as e:
            raise ValueError(
                f"get_file: {url} gave {e}; nothing was saved") from None
        if check is not None:
            try:
                check(tmp_path)
            except ValueError as e:
                raise ValueError(
                    f"get_file: {url} gave a file that is not usable ({e}); "
                    "nothing was saved") from e
        os.replace(tmp_path, file_path)
    finally:
        # Whatever went wrong (KeyboardInterrupt included), leave nothing
        # half-written behind. After the rename there is nothing to remove.
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
    return file_path
