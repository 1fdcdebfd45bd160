"""The numpy references of the op table: what each row's function must compute.

Each reference takes ndarrays and returns an ndarray, computed in float64 numpy the plain way
(a softmax shifted by its maximum, a convolution by direct loops over the output positions),
so that it shares no code and no shortcut with the DeZero under test. Nothing here imports
dezero or the adapter: a reference that could call the code it checks would check nothing.
The rows (op_rows.py) pair each function with its reference; other tests use the same
references for the values a row cannot say (a layer's output, a model's forward).
"""

from __future__ import annotations

import numpy as np

# Labels for the losses. The rows pass the same labels to DeZero and to the reference, so
# they are fixed by the input's shape, not drawn.

def labels_for(x):
    """Class labels for logits x of shape (N, C): fixed by the shape, every class in range,
    an integer array (not differentiated; it promotes nothing)."""
    n, c = x.shape
    return (np.arange(n) * 2 + 1) % c


def binary_labels_for(x):
    """0/1 labels fixed by the shape, 1 for every other example, in x's dtype (float64
    labels would rightly promote float32 scores: numpy's rule, not the stage's)."""
    return (np.arange(x.size) % 2).reshape(x.shape).astype(x.dtype)


# Milestone 4: what a neural network needs.

def softmax_reference(x, axis=1):
    """Softmax in float64 numpy, shifted by the maximum so that exp cannot overflow."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def cross_entropy_reference(x):
    """-mean over rows of log softmax(x)[t], t = labels_for(x), by log-sum-exp in float64."""
    x = x.astype(np.float64)
    m = x.max(axis=1, keepdims=True)
    log_p = x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(len(x)), labels_for(x)])


def sigmoid_reference(x):
    return 1 / (1 + np.exp(-x))


def mse_reference(a, b):
    return np.sum((a - b) ** 2) / len(a)


# Step 57: convolution and pooling, against direct loops over the output positions. Images
# are (N, C, H, W), filters (OC, C, KH, KW); kernel, stride and pad an int or a pair.

def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _padded(x, pad, value=0.0):
    ph, pw = _pair(pad)
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def _windows(x, kernel, stride, pad, value=0.0):
    """Yield (i, j, window) for each output position: window is x's padded (N, C, KH, KW)
    patch that the kernel covers there, found by walking the padded image."""
    (kh, kw), (sh, sw) = _pair(kernel), _pair(stride)
    xp = _padded(x, pad, value)
    for i, top in enumerate(range(0, xp.shape[2] - kh + 1, sh)):
        for j, left in enumerate(range(0, xp.shape[3] - kw + 1, sw)):
            yield i, j, xp[:, :, top:top + kh, left:left + kw]


def _out_shape(x, kernel, stride, pad, channels):
    i, j, _ = list(_windows(x[:1, :1], kernel, stride, pad))[-1]
    return (x.shape[0], channels, i + 1, j + 1)


def conv2d_reference(x, W, b=None, stride=1, pad=0):
    """y[n, o, i, j] = sum over c, u, v of window(i, j)[n, c, u, v] W[o, c, u, v] + b[o]."""
    y = np.zeros(_out_shape(x, W.shape[2:], stride, pad, W.shape[0]))
    for i, j, window in _windows(x, W.shape[2:], stride, pad):
        y[:, :, i, j] = np.tensordot(window, W, ((1, 2, 3), (1, 2, 3)))  # (N, OC)
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def deconv2d_reference(x, W, b=None, stride=1, pad=0):
    """Each input pixel x[n, c, i, j] adds x W[c, o] at rows i*SH - PH + u, columns
    j*SW - PW + v of the output (u, v over the kernel); what falls outside is cut off."""
    (sh, sw), (ph, pw) = _pair(stride), _pair(pad)
    C, OC, KH, KW = W.shape
    N, _, H, Wd = x.shape
    full = np.zeros((N, OC, sh * (H - 1) + KH, sw * (Wd - 1) + KW))
    for i in range(H):
        for j in range(Wd):
            patch = np.tensordot(x[:, :, i, j], W, (1, 0))  # (N, OC, KH, KW)
            full[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW] += patch
    y = full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw]
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def pooling_reference(x, kernel, stride=1, pad=0):
    """The largest real value of each window (padding never wins)."""
    y = np.zeros(_out_shape(x, kernel, stride, pad, x.shape[1]))
    for i, j, window in _windows(x, kernel, stride, pad, value=-np.inf):
        y[:, :, i, j] = window.max(axis=(2, 3))
    return y


def average_pooling_reference(x, kernel, stride=1, pad=0):
    """The mean of each window, padding counted as zeros (as the book's)."""
    y = np.zeros(_out_shape(x, kernel, stride, pad, x.shape[1]))
    for i, j, window in _windows(x, kernel, stride, pad):
        y[:, :, i, j] = window.mean(axis=(2, 3))
    return y


def im2col_reference(x, kernel, stride=1, pad=0, to_matrix=True):
    """col[n, c, u, v, i, j] = window(i, j)[n, c, u, v]; as a matrix, one row per window
    in (n, i, j) order holding its (c, u, v) elements."""
    N, C = x.shape[:2]
    kh, kw = _pair(kernel)
    _, _, oh, ow = _out_shape(x, kernel, stride, pad, C)
    col = np.zeros((N, C, kh, kw, oh, ow))
    for i, j, window in _windows(x, kernel, stride, pad):
        col[:, :, :, :, i, j] = window
    if to_matrix:
        return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * oh * ow, C * kh * kw)
    return col


def col2im_reference(col, shape, kernel, stride=1, pad=0):
    """Each window element added to the pixel it came from: the adjoint of im2col."""
    N, C, H, W = shape
    (kh, kw), (sh, sw), (ph, pw) = _pair(kernel), _pair(stride), _pair(pad)
    _, _, oh, ow = _out_shape(np.zeros(shape), kernel, stride, pad, C)
    c6 = col.reshape(N, oh, ow, C, kh, kw)
    out = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += c6[:, i, j]
    return out[:, :, ph:ph + H, pw:pw + W]


# Step 60: the rest of the book's final package.

def log_softmax_reference(x, axis=1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def leaky_relu_reference(x, slope=0.2):
    return np.where(x > 0, x, slope * x)


def binary_cross_entropy_reference(p, t=None):
    t = binary_labels_for(p) if t is None else t
    return -np.sum(t * np.log(p) + (1 - t) * np.log(1 - p)) / len(p)


def batch_norm_reference(x, gamma, beta, eps=2e-5):
    """(x - the batch mean) / sqrt(the batch variance + eps) * gamma + beta, per feature:
    axis 1 of (N, D), the channel of (N, C, H, W)."""
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    shape = (1, -1) if x.ndim == 2 else (1, -1, 1, 1)
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma.reshape(shape) + beta.reshape(shape)
