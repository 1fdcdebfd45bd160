"""Layers: functions that keep their parameters.

A Layer is like a Function, but it holds Parameters (weights, biases) that
training updates, and it finds them by itself: every attribute that holds a
Parameter, or another Layer, is remembered by name. `import dezero.layers
as L` and L.Linear(10) is a fully connected layer with 10 outputs.
to_gpu() and to_cpu() move all of a layer's parameters at once, and
save_weights() / load_weights() keep them in an .npz file. L.Conv2d
(step 57) is a convolutional layer, L.RNN (step 59) a recurrent one; step
60 adds L.LSTM, and the rest of the book's final package: L.Deconv2d,
L.EmbedID and L.BatchNorm.
"""

import os
import secrets
import struct
import weakref
import zipfile
import zlib

import numpy as np

import dezero.functions as F
from dezero import cuda
from dezero.core import Parameter
from dezero.utils import pair


class Layer:
    """Base class: holds Parameters and other Layers; subclasses supply forward()."""

    def __init__(self):
        # Names of the attributes that hold a Parameter or a Layer, in the
        # order they were first set. A list, not a set, so that params()
        # always yields them in the same order.
        self._params = []

    def __setattr__(self, name, value):
        # Every attribute assignment passes through here, so self.W = ...
        # is all a subclass needs to write for W to count as a parameter,
        # and self.l1 = L.Linear(10) for l1's parameters to count as ours.
        if isinstance(value, (Parameter, Layer)):
            if "_params" not in self.__dict__:
                raise AttributeError(
                    f"{type(self).__name__}: call super().__init__() before "
                    f"setting the parameter or layer {name!r}")
            if name not in self._params:
                self._params.append(name)
        elif name in self.__dict__.get("_params", ()):
            # The attribute no longer holds a parameter (self.b = None):
            # forget its name, or params() would yield the new value.
            self._params.remove(name)
        super().__setattr__(name, value)

    def __call__(self, *inputs):
        outputs = self.forward(*inputs)
        # A single output may be returned bare; treat it as a 1-tuple.
        if not isinstance(outputs, tuple):
            outputs = (outputs,)
        # Weak references, as Function keeps its outputs: a layer is kept for
        # the whole training, and strong links would keep each call's graph
        # alive until the next call replaced them.
        self.inputs = [weakref.ref(x) for x in inputs]
        self.outputs = [weakref.ref(y) for y in outputs]
        return outputs if len(outputs) > 1 else outputs[0]

    def forward(self, *inputs):
        # Every concrete layer must say how it computes its output.
        raise NotImplementedError(
            f"{type(self).__name__}.forward is not implemented")

    def params(self):
        """Yield every Parameter of this layer and of the layers inside it."""
        for name in self._params:
            obj = self.__dict__[name]
            if isinstance(obj, Layer):
                # A layer inside a layer: its parameters are ours too, and
                # so are those of the layers inside it, however deep.
                yield from obj.params()
            else:
                yield obj

    def cleargrads(self):
        """Reset the gradient of every parameter, before a new backward()."""
        for param in self.params():
            param.cleargrad()

    def _flatten_params(self, params_dict, parent_key=""):
        """Fill params_dict with every Parameter, keyed by its path: l0/W, l0/b, ...

        A layer inside a layer adds its attribute name in front of its own
        parameters' names, so that two Linear layers' W stay apart.
        """
        for name in self._params:
            obj = self.__dict__[name]
            key = parent_key + "/" + name if parent_key else name
            if isinstance(obj, Layer):
                obj._flatten_params(params_dict, key)
            else:
                params_dict[key] = obj

    def save_weights(self, path):
        """Save every parameter into the .npz file path (".npz" added if missing).

        The model is left where it is: parameters on the GPU are copied to
        the CPU for the file, not moved.
        """
        params_dict = {}
        self._flatten_params(params_dict)
        arrays = {}
        for key, param in params_dict.items():
            if param.data is None:
                # numpy would store None as a pickled object, which
                # load_weights refuses; better to say why now.
                raise ValueError(
                    f"save_weights: {key} has no data yet (a layer makes its "
                    "weights at its first call: run the model once before saving)")
            arrays[key] = cuda.as_numpy(param.data)
        _save_npz_atomically(_npz_path(path), arrays)

    def load_weights(self, path):
        """Set every parameter from the .npz file path, written by save_weights.

        The file must hold exactly this model's parameters, each with the
        shape and dtype the model has (a parameter with no data yet takes
        the file's array). Everything is checked before anything changes,
        so that on any error the model is exactly as it was.
        """
        params_dict = {}
        self._flatten_params(params_dict)
        arrays = _read_npz("load_weights", path)
        _check_weights(params_dict, arrays, path)
        # A model on the GPU gets its weights there. Converted first, so
        # that a failure here also leaves the model untouched.
        new_data = {}
        for key, param in params_dict.items():
            array = arrays[key]
            if cuda.get_array_module(param.data) is not np:
                array = cuda.as_cupy(array)
            new_data[key] = array
        for key, param in params_dict.items():
            param.data = new_data[key]

    def to_cpu(self):
        """Move every parameter to the CPU (numpy arrays)."""
        for param in self.params():
            param.to_cpu()

    def to_gpu(self):
        """Move every parameter to the GPU (cupy arrays). Needs CuPy and a GPU."""
        # Checked once up front, so that a layer without parameters (or
        # whose parameters have no data yet) fails just the same.
        cuda.check_available("to_gpu")
        for param in self.params():
            param.to_gpu()


# --- Weight files ----------------------------------------------------------------


def _npz_path(path):
    """path as numpy's savez names its file: with ".npz" added unless it has it."""
    path = os.fspath(path)
    return path if path.endswith(".npz") else path + ".npz"


def _save_npz_atomically(path, arrays):
    """Write arrays (name -> ndarray) into the .npz file path, all or nothing.

    They go to a temporary file in the same folder, which is renamed to
    path only once it is complete: the rename is atomic, so path is always
    either the old file or the whole new one, even if the program is
    killed while saving.
    """
    folder, name = os.path.split(os.path.abspath(path))
    # A new name that no other file has ("x" fails rather than overwrite).
    tmp_path = os.path.join(folder, f".{name}.{secrets.token_hex(8)}.tmp")
    try:
        # Written through an open file: given a name, savez would add .npz.
        with open(tmp_path, "xb") as f:
            np.savez_compressed(f, **arrays)
            f.flush()
            # On disk before the rename, so that a crash cannot leave path
            # naming a file whose contents were never written.
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
    finally:
        # Whatever went wrong (KeyboardInterrupt included), leave no
        # temporary file behind. After the rename there is nothing to remove.
        if os.path.exists(tmp_path):
            os.remove(tmp_path)


# What a damaged or foreign file can make numpy and zipfile raise.
_READ_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error)


def _read_npz(operation, path):
    """Every array in the .npz file path, as a dict name -> ndarray.

    Never unpickles (allow_pickle=False): a pickle can run any code as it
    loads, so a file of weights from elsewhere must not contain one. Each
    array is read in full here, so that a truncated or corrupt file fails
    now, naming the array, and not halfway through changing a model.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        hint = ""
        if os.path.exists(path + ".npz"):
            hint = (f" (did you mean {path}.npz? save_weights adds .npz to a "
                    "name without it)")
        raise FileNotFoundError(f"{operation}: no file {path}{hint}")
    try:
        npz = np.load(path, allow_pickle=False)
    except zipfile.BadZipFile as e:
        # A zip file cut short: say which array it was cut in, if it can tell.
        where = _where_zip_is_cut(path)
        if where is None:
            where = str(e)
        raise ValueError(f"{operation}: {path} is not a complete .npz file "
                         f"(truncated?): {where}") from e
    except _READ_ERRORS as e:
        # A pickle (allow_pickle=False refuses it), or not numpy's at all.
        error = OSError if isinstance(e, OSError) else ValueError
        raise error(f"{operation}: cannot read {path} as an .npz file of "
                    f"weights: {e}") from e
    if not isinstance(npz, np.lib.npyio.NpzFile):
        # A .npy file holds a single array, not named weights.
        raise ValueError(f"{operation}: {path} is a single array, not an .npz "
                         "file of named weights")
    arrays = {}
    with npz:
        for key in npz.files:
            try:
                array = npz[key]
            except _READ_ERRORS as e:
                # Object arrays are pickles: numpy refuses them here.
                raise ValueError(f"{operation}: {key} in {path} cannot be read "
                                 f"(truncated, corrupt or pickled): {e}") from e
            if not isinstance(array, np.ndarray):
                raise ValueError(f"{operation}: {key} in {path} is not a numpy "
                                 "array")
            arrays[key] = array
    return arrays


def _where_zip_is_cut(path):
    """Where a zip file that was cut short ends: inside which array, or None.

    An .npz file is a zip file. Its index (the "central directory") is at
    the very end, so a file cut short loses it and zipfile cannot open it at
    all. But each array is also preceded by a local header giving its name
    and stored size: walking those from the start finds where the file ends.
    """
    with open(path, "rb") as f:
        data = f.read()
    last = None  # the last array that the file holds whole
    pos = 0
    while data.startswith(b"PK\x03\x04", pos):
        if pos + 30 > len(data):
            return _cut_in_header(last)
        flags, = struct.unpack_from("<H", data, pos + 6)
        size, = struct.unpack_from("<I", data, pos + 18)
        name_len, extra_len = struct.unpack_from("<HH", data, pos + 26)
        extra_at = pos + 30 + name_len
        if extra_at + extra_len > len(data):
            return _cut_in_header(last)
        key = data[pos + 30:extra_at].decode("utf-8", "replace").removesuffix(".npy")
        if flags & 0x8:
            # The size follows the data instead: no way to skip ahead.
            return None
        if size == 0xFFFFFFFF:
            # Zip64: the real size is in the extra field (ID 1: the
            # uncompressed size, then the stored one, 8 bytes each).
            extra = data[extra_at:extra_at + extra_len]
            if len(extra) < 20 or extra[:2] != b"\x01\x00":
                return None
            size, = struct.unpack_from("<Q", extra, 12)
        end = extra_at + extra_len + size
        if end > len(data):
            return f"it ends inside {key}"
        last = key
        pos = end
    if last is None:
        return None
    if data.startswith(b"PK\x01\x02", pos):
        # Every array is there; only the index after them was cut.
        return "every array is whole, but the index at the end is cut off"
    if len(data) - pos < 4:
        return f"it ends after {last}, before the next array or the index"
    return None


def _cut_in_header(last):
    """The message for a file that ends inside the header of an array."""
    if last is None:
        return "it ends inside the first array's header"
    return f"it ends after {last}, inside the next array's header"


def _check_weights(params_dict, arrays, path):
    """Raise ValueError, naming the parameter, unless arrays fit params_dict.

    The file must hold exactly the model's parameters: a missing one would
    leave part of the model untrained, an extra one means it was saved from
    another model. Shapes and dtypes must be the model's own.
    """
    missing = [key for key in params_dict if key not in arrays]
    if missing:
        raise ValueError(f"load_weights: {path} has no {', '.join(missing)}; "
                         "it was not saved from this model")
    extra = [key for key in arrays if key not in params_dict]
    if extra:
        raise ValueError(f"load_weights: {path} has {', '.join(extra)}, which "
                         "the model does not; it was not saved from this model")
    for key, param in params_dict.items():
        array = arrays[key]
        if param.data is None:
            # Not made yet (a Linear before its first call): any numeric
            # array will do, and decides the size.
            if not np.issubdtype(array.dtype, np.number):
                raise ValueError(f"load_weights: {key} in {path} has dtype "
                                 f"{array.dtype}, not numbers")
            continue
        if array.shape != param.shape:
            raise ValueError(f"load_weights: {key} has shape {array.shape} in the "
                             f"file, the model's is {param.shape}")
        if array.dtype != param.dtype:
            raise ValueError(f"load_weights: {key} has dtype {array.dtype} in the "
                             f"file, the model's is {param.dtype}")


class Linear(Layer):
    """y = x W + b, a fully connected layer with out_size outputs.

    in_size may be left out: W is then made at the first call, when x shows
    how many features it has.
    """

    def __init__(self, out_size, nobias=False, dtype=np.float32, in_size=None):
        super().__init__()
        self.in_size = in_size
        self.out_size = out_size
        self.dtype = dtype

        # W has no data until the input size is known.
        self.W = Parameter(None, name="W")
        if self.in_size is not None:
            self._init_W()

        if nobias:
            self.b = None
        else:
            self.b = Parameter(np.zeros(out_size, dtype=dtype), name="b")

    def _init_W(self, xp=np):
        """Draw W at random, scaled by sqrt(1 / in_size).

        The scale keeps the outputs' spread close to the inputs' whatever the
        layer's width (Xavier's initialisation). xp is the module to draw
        with: numpy, or cupy to make W on the GPU.
        """
        in_size, out_size = self.in_size, self.out_size
        # The scale is cast to the layer's dtype like the random numbers:
        # np.sqrt returns a float64 scalar, which NumPy 2 would let turn a
        # float32 W into a float64 one.
        scale = np.sqrt(1 / in_size).astype(self.dtype)
        self.W.data = xp.random.randn(in_size, out_size).astype(self.dtype) * scale

    def forward(self, x):
        if x.ndim != 2:
            raise ValueError(
                "Linear: input must be 2-D (batch, features), "
                f"got shape {x.shape}")
        if self.W.data is None:
            # The first call: now the number of input features is known,
            # and where x is, which is where W must be made.
            self.in_size = x.shape[1]
            self._init_W(cuda.get_array_module(x))
        elif x.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"Linear: input has {x.shape[1]} features, but W was made "
                f"for {self.W.shape[0]}")
        return F.linear(x, self.W, self.b)


class Conv2d(Layer):
    """A convolutional layer: out_channels filters of kernel_size, plus a bias.

    kernel_size, stride and pad are ints or (height, width) pairs.
    in_channels may be left out: W, (out_channels, in_channels, KH, KW), is
    then made at the first call, when x shows how many channels it has.
    """

    def __init__(self, out_channels, kernel_size, stride=1, pad=0,
                 nobias=False, dtype=np.float32, in_channels=None):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad
        self.dtype = dtype

        # W has no data until the number of input channels is known.
        self.W = Parameter(None, name="W")
        if in_channels is not None:
            self._init_W()

        if nobias:
            self.b = None
        else:
            self.b = Parameter(np.zeros(out_channels, dtype=dtype), name="b")

    def _init_W(self, xp=np):
        """Draw W at random, scaled by sqrt(1 / (C * KH * KW)).

        C * KH * KW is how many inputs each output sums, as in_size is for
        Linear: the same scale keeps the outputs' spread close to the
        inputs'.
        """
        C, OC = self.in_channels, self.out_channels
        KH, KW = pair(self.kernel_size)
        # Cast to the layer's dtype, as in Linear: NumPy 2 would let the
        # float64 scale turn a float32 W into a float64 one.
        scale = np.sqrt(1 / (C * KH * KW)).astype(self.dtype)
        self.W.data = xp.random.randn(OC, C, KH, KW).astype(self.dtype) * scale

    def forward(self, x):
        if x.ndim != 4:
            raise ValueError(
                "Conv2d: input must be 4-D (N, C, H, W), got shape "
                f"{x.shape}")
        if self.W.data is None:
            # The first call: now the number of input channels is known,
            # and where x is, which is where W must be made.
            self.in_channels = x.shape[1]
            self._init_W(cuda.get_array_module(x))
        elif x.shape[1] != self.W.shape[1]:
            raise ValueError(
                f"Conv2d: input has {x.shape[1]} channels, but W was made "
                f"for {self.W.shape[1]} (x {x.shape}, W {self.W.shape})")
        return F.conv2d(x, self.W, self.b, self.stride, self.pad)


class Deconv2d(Layer):
    """A transposed convolution layer (F.deconv2d): it enlarges images.

    W is (in_channels, out_channels, KH, KW); in_channels may be left out,
    to be taken from the first input, as in Conv2d.
    """

    def __init__(self, out_channels, kernel_size, stride=1, pad=0,
                 nobias=False, dtype=np.float32, in_channels=None):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad
        self.dtype = dtype

        self.W = Parameter(None, name="W")
        if in_channels is not None:
            self._init_W()

        if nobias:
            self.b = None
        else:
            self.b = Parameter(np.zeros(out_channels, dtype=dtype), name="b")

    def _init_W(self, xp=np):
        """Draw W at random, scaled by sqrt(1 / (C * KH * KW)), as Conv2d."""
        C, OC = self.in_channels, self.out_channels
        KH, KW = pair(self.kernel_size)
        scale = np.sqrt(1 / (C * KH * KW)).astype(self.dtype)
        self.W.data = xp.random.randn(C, OC, KH, KW).astype(self.dtype) * scale

    def forward(self, x):
        if x.ndim != 4:
            raise ValueError(
                "Deconv2d: input must be 4-D (N, C, H, W), got shape "
                f"{x.shape}")
        if self.W.data is None:
            self.in_channels = x.shape[1]
            self._init_W(cuda.get_array_module(x))
        elif x.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"Deconv2d: input has {x.shape[1]} channels, but W was made "
                f"for {self.W.shape[0]} (x {x.shape}, W {self.W.shape})")
        return F.deconv2d(x, self.W, self.b, self.stride, self.pad)


class RNN(Layer):
    """An Elman recurrent layer: h_new = tanh(x W_x + b + h W_h).

    It keeps its hidden state h between calls, so that a sequence is fed
    one step at a time; reset_state() forgets it before a new sequence.
    in_size may be left out: W_x is made at the first call.
    """

    def __init__(self, hidden_size, in_size=None):
        super().__init__()
        self.x2h = Linear(hidden_size, in_size=in_size)
        # as the book: rnn-in-size (h2h is given the input's size, not the
        # hidden state's)
        self.h2h = Linear(hidden_size, in_size=in_size, nobias=True)
        self.h = None

    def reset_state(self):
        """Forget the hidden state: the next call starts a new sequence."""
        self.h = None

    def forward(self, x):
        if self.h is None:
            # The first step has no state to add.
            h_new = F.tanh(self.x2h(x))
        else:
            h_new = F.tanh(self.x2h(x) + self.h2h(self.h))
        self.h = h_new
        return h_new


class LSTM(Layer):
    """A long short-term memory layer.

    Besides the hidden state h it keeps a memory cell c, which gates decide
    what to forget (f), what to take in (i, the new content u) and what to
    show (o):
        c_new = f * c + i * u,    h_new = o * tanh(c_new).
    The cell is changed only by multiplying and adding, so that gradients
    pass back through many steps without vanishing as fast as in RNN.
    """

    def __init__(self, hidden_size, in_size=None):
        super().__init__()
        H = hidden_size
        # One Linear per gate from the input (made at the first call if
        # in_size is left out) and one from the hidden state, without bias
        # (the input's has it). The attributes are set in this order, f, i,
        # o, u, as in the book, so that the same seed draws the same
        # weights: h2f ... h2u here, x2f ... x2u at the first call.
        self.x2f = Linear(H, in_size=in_size)
        self.x2i = Linear(H, in_size=in_size)
        self.x2o = Linear(H, in_size=in_size)
        self.x2u = Linear(H, in_size=in_size)
        self.h2f = Linear(H, in_size=H, nobias=True)
        self.h2i = Linear(H, in_size=H, nobias=True)
        self.h2o = Linear(H, in_size=H, nobias=True)
        self.h2u = Linear(H, in_size=H, nobias=True)
        self.reset_state()

    def reset_state(self):
        """Forget the hidden state and the cell: a new sequence starts."""
        self.h = None
        self.c = None

    def forward(self, x):
        if self.h is None:
            # The first step: nothing from the hidden state yet.
            f = F.sigmoid(self.x2f(x))
            i = F.sigmoid(self.x2i(x))
            o = F.sigmoid(self.x2o(x))
            u = F.tanh(self.x2u(x))
        else:
            f = F.sigmoid(self.x2f(x) + self.h2f(self.h))
            i = F.sigmoid(self.x2i(x) + self.h2i(self.h))
            o = F.sigmoid(self.x2o(x) + self.h2o(self.h))
            u = F.tanh(self.x2u(x) + self.h2u(self.h))

        if self.c is None:
            c_new = i * u
        else:
            c_new = (f * self.c) + (i * u)
        h_new = o * F.tanh(c_new)

        self.h, self.c = h_new, c_new
        return h_new


class EmbedID(Layer):
    """Word vectors: row x of W for each integer x (F.embed_id).

    W is (in_size, out_size): in_size words, out_size numbers each.
    """

    def __init__(self, in_size, out_size, dtype=np.float32):
        super().__init__()
        # The book draws float64 and keeps it, which made float32 models
        # compute in float64 from here on; the same numbers, cast.
        self.W = Parameter(np.random.randn(in_size, out_size).astype(dtype),
                           name="W")

    def __call__(self, x):
        # The ids are plain data (an int, a list or an ndarray), not Variables:
        # Layer.__call__ would keep a weak reference to them, which an int
        # cannot have. As in the book, calling the layer just looks them up.
        return self.forward(x)

    def forward(self, x):
        return F.embed_id(x, self.W)


class BatchNorm(Layer):
    """Batch normalisation (F.batch_norm) with its learned scale and shift.

    gamma and beta are learned; avg_mean and avg_var, the running averages
    used in test mode, are updated by the forward pass itself. All four are
    Parameters so that save_weights() keeps them; avg_mean and avg_var get
    no gradient, so the optimizer leaves them alone. They are made at the
    first call, one per feature (axis 1 of x).
    """

    def __init__(self):
        super().__init__()
        self.avg_mean = Parameter(None, name="avg_mean")
        self.avg_var = Parameter(None, name="avg_var")
        self.gamma = Parameter(None, name="gamma")
        self.beta = Parameter(None, name="beta")

    def _init_params(self, x):
        xp = cuda.get_array_module(x)
        D = x.shape[1]
        # Each one only if it has no data: load_weights may have set some.
        if self.avg_mean.data is None:
            self.avg_mean.data = xp.zeros(D, dtype=x.dtype)
        if self.avg_var.data is None:
            self.avg_var.data = xp.ones(D, dtype=x.dtype)
        if self.gamma.data is None:
            self.gamma.data = xp.ones(D, dtype=x.dtype)
        if self.beta.data is None:
            self.beta.data = xp.zeros(D, dtype=x.dtype)

    def __call__(self, x):
        # One input, x, as the book's BatchNorm is called (Layer's takes any
        # number): bn(x) and bn(x=x) both work.
        return super().__call__(x)

    def forward(self, x):
        if self.avg_mean.data is None:
            self._init_params(x)
        return F.batch_norm(x, self.gamma, self.beta, self.avg_mean.data,
                            self.avg_var.data)
