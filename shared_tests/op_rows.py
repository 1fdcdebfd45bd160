"""The op table's rows: one `Op` per differentiable function or operator of the book.

This module is the table itself, data only; what a row means is in ops.py, the numpy
references in op_refs.py, and test_ops.py generates the checks from `OPS`.

A row is written as the book's programs write it: `call` takes `F` (the functions of the
core under test: `F.sin`, `F.square`) and the input Variables. Rows with `simple_core=True`
also run on `dezero.core_simple`, which the package keeps beside core.py from step 32.
Known limitations are `Skip`s on the row, never code in the tests.

Adding a function: add one row. Its sample inputs come from `shapes` (and `domain` moves
them where the function is defined, e.g. log needs x > 0). A row's name is its test id
(`test_forward[log-dezero]`), which other files may name: rename a row with care.
"""

from __future__ import annotations

import numpy as np

from .op_refs import (
    average_pooling_reference,
    batch_norm_reference,
    binary_cross_entropy_reference,
    binary_labels_for,
    col2im_reference,
    conv2d_reference,
    cross_entropy_reference,
    deconv2d_reference,
    im2col_reference,
    labels_for,
    leaky_relu_reference,
    log_softmax_reference,
    mse_reference,
    pooling_reference,
    sigmoid_reference,
    softmax_reference,
)
from .ops import (
    BINARY,
    UNARY,
    Op,
    Skip,
    array_like,
    nonzero,
    positive,
    probability,
)

OPS: tuple[Op, ...] = (
    # Milestone 1: the first functions (class-called before step 9; the adapter knows how)
    Op("square", "function-call", lambda F, x: F.square(x), np.square, simple_core=True),
    Op("exp", "exp-chain", lambda F, x: F.exp(x), np.exp, simple_core=True),
    # Milestone 2: several inputs, then operators
    Op("add", "variadic-forward", lambda F, a, b: F.add(a, b), np.add, BINARY,
       grad_from="multi-input-backward", simple_core=True),
    Op("mul", "mul-operator", lambda F, a, b: F.mul(a, b), np.multiply, BINARY,
       simple_core=True),
    Op("a+b", "mul-operator", lambda F, a, b: a + b, np.add, BINARY, simple_core=True),
    Op("a*b", "mul-operator", lambda F, a, b: a * b, np.multiply, BINARY, simple_core=True),
    Op("x+2.0", "mixed-operands", lambda F, x: x + 2.0, lambda x: x + 2.0, simple_core=True),
    Op("2+x", "mixed-operands", lambda F, x: 2 + x, lambda x: 2 + x, simple_core=True),
    Op("x*2.5", "mixed-operands", lambda F, x: x * 2.5, lambda x: x * 2.5, simple_core=True),
    Op("3*x", "mixed-operands", lambda F, x: 3 * x, lambda x: 3 * x, simple_core=True),
    Op("x+array", "mixed-operands", lambda F, x: x + array_like(x),
       lambda x: x + array_like(x), shapes=(((),), ((3,),)), simple_core=True),
    Op("array*x", "mixed-operands", lambda F, x: array_like(x) * x,
       lambda x: array_like(x) * x, shapes=(((),), ((3,),)), simple_core=True),
    Op("-x", "more-operators", lambda F, x: -x, np.negative, simple_core=True),
    Op("a-b", "more-operators", lambda F, a, b: a - b, np.subtract, BINARY, simple_core=True),
    Op("a/b", "more-operators", lambda F, a, b: a / b, np.divide, BINARY,
       domain=nonzero, simple_core=True),
    Op("x-2", "more-operators", lambda F, x: x - 2, lambda x: x - 2, simple_core=True),
    Op("2.0-x", "more-operators", lambda F, x: 2.0 - x, lambda x: 2.0 - x, simple_core=True),
    Op("x/4", "more-operators", lambda F, x: x / 4, lambda x: x / 4, simple_core=True),
    Op("3.0/x", "more-operators", lambda F, x: 3.0 / x, lambda x: 3.0 / x, domain=nonzero,
       simple_core=True),
    Op("x**3", "more-operators", lambda F, x: x ** 3, lambda x: x ** 3, simple_core=True),
    Op("x**0.5", "more-operators", lambda F, x: x ** 0.5, np.sqrt, domain=positive,
       simple_core=True),
    Op("x**-2", "more-operators", lambda F, x: x ** -2, lambda x: x ** -2.0, domain=nonzero,
       simple_core=True),
    # Milestone 3: the functions whose derivatives can be taken again
    Op("sin", "sin", lambda F, x: F.sin(x), np.sin, simple_core=True),
    Op("cos", "sin-cos-functions", lambda F, x: F.cos(x), np.cos),
    Op("tanh", "tanh", lambda F, x: F.tanh(x), np.tanh),
)


# Milestone 4: functions on tensors, then what a neural network needs. The shapes are the
# rows' own: each function has the shapes it is defined on.
MATRICES = (((2, 3), (3, 4)), ((1, 3), (3, 1)), ((3, 1), (1, 2)))
LINEAR = (((2, 3), (3, 4), (4,)), ((1, 2), (2, 1), (1,)), ((3, 2), (2, 2), (1, 2)))
MSE = (((4, 1), (4, 1)), ((5,), (5,)), ((3, 2), (3, 2)), ((3, 2), (1, 2)))
LOGITS = (((2, 3),), ((4, 5),), ((1, 2),))
# (2, 3) with (3,), (2, 1) and (): numpy's three ways to broadcast, on either side.
BROADCAST = (((2, 3), (3,)), ((3,), (2, 3)), ((2, 3), (2, 1)), ((2, 1), (1, 3)),
             ((2, 3), ()), ((), (2, 3)))
EVERY_ROW = np.array([1, 0, 1])  # integer-array index that repeats a row
# Before step 40 Sum's backward copies the gradient by multiplying with ones, and Mul's
# backward does not sum back to its inputs' shapes: differentiating the gradient of a sum
# along an axis again reshapes a gradient of the wrong shape (the stages say so in a comment;
# the pin sum-grad-once shows the wrong values).
SUM_GRAD_ONCE = Skip("second", "a sum's gradient cannot be differentiated again until step 40",
                     pin="sum-grad-once")

OPS += (
    # Step 39: sum of all elements (the book's step 37 already calls F.sum)
    Op("sum", "sum", lambda F, x: F.sum(x), np.sum, UNARY + (((2, 3, 2),),)),
    # Step 38: rearranging the elements
    Op("reshape(6,)", "reshape", lambda F, x: F.reshape(x, (6,)), lambda x: x.reshape(6),
       shapes=(((2, 3),), ((6, 1),), ((3, 2),))),
    Op("reshape(-1,2)", "reshape", lambda F, x: F.reshape(x, (-1, 2)),
       lambda x: x.reshape(-1, 2), shapes=(((2, 3, 2),), ((4,),))),
    Op("x.reshape(3,2)", "reshape", lambda F, x: x.reshape(3, 2), lambda x: x.reshape(3, 2),
       shapes=(((2, 3),), ((6,),))),
    Op("x.reshape((3,2))", "reshape", lambda F, x: x.reshape((3, 2)),
       lambda x: x.reshape((3, 2)), shapes=(((2, 3),), ((6,),))),
    Op("transpose", "transpose", lambda F, x: F.transpose(x), np.transpose,
       shapes=(((2, 3),), ((3,),), ((2, 3, 4),))),
    Op("transpose(1,0,2)", "transpose", lambda F, x: F.transpose(x, (1, 0, 2)),
       lambda x: np.transpose(x, (1, 0, 2)), shapes=(((2, 3, 4),),)),
    Op("transpose(-1,0,1)", "transpose", lambda F, x: F.transpose(x, (-1, 0, 1)),
       lambda x: np.transpose(x, (2, 0, 1)), shapes=(((2, 3, 4),),)),
    Op("x.T", "transpose", lambda F, x: x.T, lambda x: x.T, shapes=(((2, 3),), ((2, 3, 4),))),
    Op("x.transpose()", "transpose", lambda F, x: x.transpose(), lambda x: x.transpose(),
       shapes=(((2, 3),),)),
    Op("x.transpose(2,0,1)", "transpose", lambda F, x: x.transpose(2, 0, 1),
       lambda x: x.transpose(2, 0, 1), shapes=(((2, 3, 4),),)),
    # Step 39: sums along axes
    Op("sum(axis=0)", "sum-axis", lambda F, x: F.sum(x, axis=0), lambda x: x.sum(axis=0),
       shapes=(((3,),), ((2, 3),), ((2, 3, 4),)), skips=(SUM_GRAD_ONCE,)),
    Op("sum(axis=1,keepdims)", "sum-axis", lambda F, x: F.sum(x, axis=1, keepdims=True),
       lambda x: x.sum(axis=1, keepdims=True), shapes=(((2, 3),), ((2, 3, 4),))),
    Op("sum(axis=(0,2))", "sum-axis", lambda F, x: F.sum(x, axis=(0, 2)),
       lambda x: x.sum(axis=(0, 2)), shapes=(((2, 3, 4),),), skips=(SUM_GRAD_ONCE,)),
    Op("sum(axis=-1)", "sum-axis", lambda F, x: F.sum(x, axis=-1), lambda x: x.sum(axis=-1),
       shapes=(((2, 3),), ((2, 3, 4),)), skips=(SUM_GRAD_ONCE,)),
    Op("sum(keepdims)", "sum-axis", lambda F, x: F.sum(x, keepdims=True),
       lambda x: x.sum(keepdims=True), shapes=(((2, 3),),)),
    Op("x.sum(axis=1)", "sum-axis", lambda F, x: x.sum(axis=1), lambda x: x.sum(axis=1),
       shapes=(((2, 3),),), skips=(SUM_GRAD_ONCE,)),
    Op("x.sum(0,True)", "sum-axis", lambda F, x: x.sum(0, True),
       lambda x: x.sum(0, keepdims=True), shapes=(((2, 3),),)),
    # Step 40: broadcasting, and the operators on operands of different shapes
    Op("broadcast_to(2,3)", "broadcast", lambda F, x: F.broadcast_to(x, (2, 3)),
       lambda x: np.broadcast_to(x, (2, 3)), shapes=(((),), ((3,),), ((2, 1),), ((1, 3),))),
    Op("broadcast_to(2,3,4)", "broadcast", lambda F, x: F.broadcast_to(x, (2, 3, 4)),
       lambda x: np.broadcast_to(x, (2, 3, 4)), shapes=(((3, 1),), ((2, 1, 4),))),
    Op("sum_to(3,)", "broadcast", lambda F, x: F.sum_to(x, (3,)),
       lambda x: x.sum(axis=0), shapes=(((2, 3),),)),
    Op("sum_to(2,1)", "broadcast", lambda F, x: F.sum_to(x, (2, 1)),
       lambda x: x.sum(axis=1, keepdims=True), shapes=(((2, 3),),)),
    Op("sum_to(1,3)", "broadcast", lambda F, x: F.sum_to(x, (1, 3)),
       lambda x: x.sum(axis=(0, 1)).reshape(1, 3), shapes=(((2, 4, 3),),)),
    Op("sum_to(())", "broadcast", lambda F, x: F.sum_to(x, ()), np.sum, shapes=(((2, 3),),)),
    Op("a+b broadcast", "broadcast", lambda F, a, b: a + b, np.add, BROADCAST),
    Op("a-b broadcast", "broadcast", lambda F, a, b: a - b, np.subtract, BROADCAST),
    Op("a*b broadcast", "broadcast", lambda F, a, b: a * b, np.multiply, BROADCAST),
    Op("a/b broadcast", "broadcast", lambda F, a, b: a / b, np.divide, BROADCAST,
       domain=nonzero),
    Op("add broadcast", "broadcast", lambda F, a, b: F.add(a, b), np.add, BROADCAST[:3]),
    # Step 41: the matrix product
    Op("matmul", "matmul", lambda F, x, W: F.matmul(x, W), np.matmul, MATRICES),
    Op("x.matmul(W)", "matmul", lambda F, x, W: F.method(x, "matmul")(W), np.matmul,
       MATRICES[:1]),
    Op("x.dot(W)", "matmul", lambda F, x, W: F.method(x, "dot")(W), np.dot, MATRICES[:1]),
    # Step 42: the loss of regression
    Op("mean_squared_error", "mse", lambda F, a, b: F.mean_squared_error(a, b), mse_reference,
       MSE),
    Op("mean_squared_error_simple", "mse",
       lambda F, a, b: F.mean_squared_error_simple(a, b), mse_reference, MSE),
    # Step 43: the linear transformation and the sigmoid
    Op("linear", "linear", lambda F, x, W, b: F.linear(x, W, b),
       lambda x, W, b: x @ W + b, LINEAR),
    Op("linear(no bias)", "linear", lambda F, x, W: F.linear(x, W), np.matmul, MATRICES),
    Op("linear_simple", "linear", lambda F, x, W, b: F.linear_simple(x, W, b),
       lambda x, W, b: x @ W + b, LINEAR),
    Op("linear_simple(no bias)", "linear", lambda F, x, W: F.linear_simple(x, W), np.matmul,
       MATRICES[:1]),
    Op("sigmoid", "sigmoid", lambda F, x: F.sigmoid(x), sigmoid_reference),
    Op("sigmoid_simple", "sigmoid", lambda F, x: F.sigmoid_simple(x), sigmoid_reference),
    # Step 47: indexing, softmax and its cross entropy (the labels are fixed by the shape)
    Op("log", "log-clip", lambda F, x: F.log(x), np.log, domain=positive),
    Op("clip(-1,1)", "log-clip", lambda F, x: F.clip(x, -1.0, 1.0),
       lambda x: np.clip(x, -1.0, 1.0)),
    Op("x[1]", "get-item", lambda F, x: x[1], lambda x: x[1], shapes=(((3,),), ((2, 3),))),
    Op("x[:, 1:]", "get-item", lambda F, x: x[:, 1:], lambda x: x[:, 1:],
       shapes=(((2, 3),), ((3, 4),))),
    Op("x[[0,0,1]]", "get-item", lambda F, x: x[[0, 0, 1]], lambda x: x[[0, 0, 1]],
       shapes=(((3,),), ((2, 3),))),
    Op("x[array,1]", "get-item", lambda F, x: x[EVERY_ROW, 1], lambda x: x[EVERY_ROW, 1],
       shapes=(((2, 3),),)),
    Op("get_item", "get-item", lambda F, x: F.get_item(x, (slice(None), EVERY_ROW)),
       lambda x: x[:, EVERY_ROW], shapes=(((2, 3),), ((4, 2),))),
    Op("softmax", "softmax", lambda F, x: F.softmax(x), softmax_reference, LOGITS),
    Op("softmax(axis=0)", "softmax", lambda F, x: F.softmax(x, axis=0),
       lambda x: softmax_reference(x, axis=0), LOGITS[:2]),
    Op("softmax_simple", "softmax", lambda F, x: F.softmax_simple(x), softmax_reference,
       LOGITS),
    Op("softmax_cross_entropy", "softmax-cross-entropy",
       lambda F, x: F.softmax_cross_entropy(x, labels_for(x)), cross_entropy_reference, LOGITS),
    Op("softmax_cross_entropy_simple", "softmax-cross-entropy",
       lambda F, x: F.softmax_cross_entropy_simple(x, labels_for(x)), cross_entropy_reference,
       LOGITS),
    # Step 51
    Op("relu", "relu", lambda F, x: F.relu(x), lambda x: np.maximum(x, 0.0)),
)


# Step 57: convolution and pooling, against the direct loops of op_refs.py. Images are
# (N, C, H, W), filters (OC, C, KH, KW); kernel, stride and pad an int or a pair.
COL2IM = ((1, 1, 3, 2), (2, 2), 1, 1)  # the image, kernel, stride and pad of the col2im row
# (x, W, b) samples: square and oblong kernels, one and two channels, batches of 1 and 2.
CONV = (((1, 1, 3, 3), (2, 1, 2, 2), (2,)), ((2, 2, 3, 2), (1, 2, 2, 1), (1,)))
IMAGES = (((1, 2, 4, 4),), ((2, 1, 3, 3),))

OPS += (
    Op("max", "max-min", lambda F, x: F.max(x), np.max, UNARY[1:]),
    Op("max(axis=(0,2),keepdims)", "max-min", lambda F, x: F.max(x, (0, 2), True),
       lambda x: x.max(axis=(0, 2), keepdims=True), shapes=(((2, 3, 4),),)),
    Op("min(axis=0)", "max-min", lambda F, x: F.min(x, axis=0), lambda x: x.min(axis=0),
       shapes=(((3, 2),),)),
    Op("x.max(axis=1)", "max-min", lambda F, x: F.method(x, "max")(axis=1),
       lambda x: x.max(axis=1), shapes=(((3, 2),),)),
    Op("im2col", "im2col", lambda F, x: F.im2col(x, 3, 1, 1),
       lambda x: im2col_reference(x, 3, 1, 1), shapes=(((1, 2, 3, 3),),)),
    Op("im2col((2,3),2,(0,1),to_matrix=False)", "im2col",
       lambda F, x: F.im2col(x, (2, 3), 2, (0, 1), to_matrix=False),
       lambda x: im2col_reference(x, (2, 3), 2, (0, 1), to_matrix=False),
       shapes=(((1, 1, 4, 5),),)),
    Op("col2im", "im2col", lambda F, c: F.col2im(c, *COL2IM),
       lambda c: col2im_reference(c, *COL2IM), shapes=(((12, 4),),)),
    Op("conv2d", "conv2d", lambda F, x, W, b: F.conv2d(x, W, b), conv2d_reference, CONV),
    Op("conv2d(stride=(2,1),pad=(1,0))", "conv2d",
       lambda F, x, W, b: F.conv2d(x, W, b, (2, 1), (1, 0)),
       lambda x, W, b: conv2d_reference(x, W, b, (2, 1), (1, 0)), CONV[1:]),
    Op("conv2d_simple", "conv2d", lambda F, x, W, b: F.conv2d_simple(x, W, b),
       conv2d_reference, CONV[:1]),
    Op("conv2d_simple(stride=(1,2),pad=1)", "conv2d",
       lambda F, x, W: F.conv2d_simple(x, W, stride=(1, 2), pad=1),
       lambda x, W: conv2d_reference(x, W, stride=(1, 2), pad=1),
       shapes=(((1, 1, 3, 3), (2, 1, 2, 3)),)),
    Op("deconv2d(stride=2,pad=1)", "deconv2d",
       lambda F, x, W, b: F.deconv2d(x, W, b, stride=2, pad=1),
       lambda x, W, b: deconv2d_reference(x, W, b, stride=2, pad=1),
       shapes=(((1, 2, 2, 2), (2, 1, 3, 3), (1,)),)),
    Op("pooling(2,2)", "pooling", lambda F, x: F.pooling(x, 2, 2),
       lambda x: pooling_reference(x, 2, 2), IMAGES[:1]),
    Op("pooling((2,3),1)", "pooling", lambda F, x: F.pooling(x, (2, 3)),
       lambda x: pooling_reference(x, (2, 3)), IMAGES[1:]),
    # Positive samples: the book pads max pooling with zeros, which a positive value beats.
    Op("pooling(3,2,1)", "pooling", lambda F, x: F.pooling(x, 3, 2, 1),
       lambda x: pooling_reference(x, 3, 2, 1), IMAGES[1:], domain=positive),
    Op("pooling_simple(2,2)", "pooling", lambda F, x: F.pooling_simple(x, 2, 2),
       lambda x: pooling_reference(x, 2, 2), shapes=(((1, 1, 4, 4),),)),
    Op("average_pooling(2,2)", "pooling", lambda F, x: F.average_pooling(x, 2, 2),
       lambda x: average_pooling_reference(x, 2, 2), IMAGES[:1]),
    Op("average_pooling(3,(1,2),1)", "pooling", lambda F, x: F.average_pooling(x, 3, (1, 2), 1),
       lambda x: average_pooling_reference(x, 3, (1, 2), 1), IMAGES[1:]),
)


# Step 60: the rest of the book's final package.
IDS = np.array([[0, 3], [3, 1]])  # ids into a table of 4 or more rows; 3 twice


def batch_norm_of(F):
    """F.batch_norm, or the book's own spelling, F.batch_nrom."""
    try:
        return F.batch_norm
    except AttributeError:
        return F.batch_nrom


def batch_norm_call(F, x, gamma, beta):
    """Training-mode batch norm with fresh running averages (they change in place)."""
    D = x.shape[1]
    return batch_norm_of(F)(x, gamma, beta, np.zeros(D, x.dtype), np.ones(D, x.dtype))


# The gradient of BatchNorm (the book's, kept) holds 1 / std as a constant array, so its
# own gradient misses how the batch's std changes with x.
BN_SECOND = Skip("second", "BatchNorm.backward holds 1/std as an array: its gradient "
                 "cannot be differentiated again")

OPS += (
    Op("log_softmax", "log-softmax", lambda F, x: F.log_softmax(x), log_softmax_reference,
       LOGITS[:2]),
    Op("leaky_relu", "leaky-relu", lambda F, x: F.leaky_relu(x), leaky_relu_reference),
    Op("average(axis=1,keepdims)", "tensor-helpers", lambda F, x: F.average(x, 1, True),
       lambda x: x.mean(axis=1, keepdims=True), shapes=(((2, 3, 2),),)),
    # The book's average multiplies the sum by y.size / x.size (not divides by its
    # inverse): rtol=0, so the reference written that way must match to the last digit.
    Op("average", "tensor-helpers", lambda F, x: F.average(x),
       lambda x: np.sum(x) * (1 / x.size), rtol=0),
    Op("mean(axis=0)", "tensor-helpers", lambda F, x: F.mean(x, axis=0),
       lambda x: x.mean(axis=0), shapes=(((3, 2),),)),
    Op("expand_dims(x,1)", "tensor-helpers", lambda F, x: F.expand_dims(x, 1),
       lambda x: np.expand_dims(x, 1), shapes=(((2, 3),),)),
    Op("flatten", "tensor-helpers", lambda F, x: F.flatten(x),
       lambda x: x.reshape(len(x), -1), shapes=(((2, 3, 2),),)),
    Op("x.matmaul(W)", "final-api", lambda F, x, W: F.method(x, "matmaul")(W), np.matmul,
       MATRICES[:1]),
    Op("embed_id", "embed-id", lambda F, W: F.embed_id(IDS, W), lambda W: W[IDS],
       shapes=(((5, 2),),)),
    Op("batch_norm", "batch-norm", batch_norm_call, batch_norm_reference,
       shapes=(((4, 3), (3,), (3,)), ((2, 2, 2, 3), (2,), (2,))), skips=(BN_SECOND,)),
    Op("sigmoid_cross_entropy", "binary-cross-entropy",
       lambda F, x: F.sigmoid_cross_entropy(x, binary_labels_for(x)),
       lambda x: binary_cross_entropy_reference(probability(x), binary_labels_for(x)),
       shapes=(((3, 1),),)),
    Op("binary_cross_entropy", "binary-cross-entropy",
       lambda F, p: F.binary_cross_entropy(p, binary_labels_for(p)),
       binary_cross_entropy_reference, shapes=(((4,),),), domain=probability),
)
