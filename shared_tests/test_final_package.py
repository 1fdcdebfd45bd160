"""Step 60: the rest of the book's final package.

Functions are rows of the op table (op_rows.py). Here: the layers Deconv2d, EmbedID and
BatchNorm (their draws reproduced from a seeded np.random, their outputs against numpy),
Sequential and ResNet's structure, the optimizer hooks against updates computed by hand,
the transforms on PIL images, CIFAR from a local http.server, the utilities, and a program
written for the book's final package, checked by independent means.
"""

import hashlib
import io
import os
import sys
import tarfile

import numpy as np
import pytest

from . import adapter as A
from .dtype_check import expect_dtype
from .op_refs import batch_norm_reference, conv2d_reference, deconv2d_reference, pooling_reference

cap = pytest.mark.capability


def F():
    return A.module("functions")


def L():
    return A.layers()


def models():
    return A.module("models")


def optimizers():
    return A.module("optimizers")


def transforms():
    return A.module("transforms")


# ---- layers -------------------------------------------------------------------------------


@cap("deconv-layer")
def test_deconv2d_layer_finds_its_channels_at_the_first_call():
    layer = L().Deconv2d(3, kernel_size=(3, 2), stride=2, pad=1)
    assert layer.W.data is None
    np.random.seed(6)
    x = np.random.default_rng(0).normal(size=(2, 4, 3, 3)).astype(np.float32)
    y = layer(x)
    np.random.seed(6)
    W = np.random.randn(4, 3, 3, 2).astype(np.float32) * np.float32(np.sqrt(1 / (4 * 3 * 2)))
    assert layer.W.shape == (4, 3, 3, 2)
    expect_dtype(layer.W, np.float32, "layer.W")
    np.testing.assert_allclose(layer.W.data, W, rtol=1e-6)
    np.testing.assert_array_equal(layer.b.data, np.zeros(3, np.float32))
    expect_dtype(y, np.float32, "the layer's output")
    assert y.shape == (2, 3, 5, 4)  # 2 (3 - 1) + 3 - 2, 2 2 + 2 - 2
    np.testing.assert_allclose(y.data, deconv2d_reference(x, W, None, 2, 1), rtol=1e-4,
                               atol=1e-5)
    assert sorted(map(id, layer.params())) == sorted(map(id, [layer.W, layer.b]))


@cap("deconv-layer")
def test_deconv2d_layer_with_in_channels_draws_at_once_and_nobias_has_no_b():
    np.random.seed(1)
    layer = L().Deconv2d(2, 3, in_channels=4, nobias=True, dtype=np.float64)
    np.random.seed(1)
    np.testing.assert_allclose(layer.W.data, np.random.randn(4, 2, 3, 3) * np.sqrt(1 / 36),
                               rtol=1e-14)
    assert layer.b is None and [id(p) for p in layer.params()] == [id(layer.W)]


@pytest.mark.convention("an error names the operation and both shapes")
@cap("deconv-layer")
def test_deconv2d_layer_refuses_other_channels_naming_both_shapes():
    layer = L().Deconv2d(2, 3)
    layer(np.ones((1, 4, 2, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="Deconv2d") as info:
        layer(np.ones((1, 3, 2, 2), dtype=np.float32))
    assert "(1, 3, 2, 2)" in str(info.value) and "(4, 2, 3, 3)" in str(info.value)
    with pytest.raises(ValueError, match="Deconv2d"):
        layer(np.ones((4, 2, 2), dtype=np.float32))


@cap("embed-id")
def test_embed_id_takes_an_int_a_list_or_an_array_of_ids():
    # The book's EmbedID returns W[x]: any index numpy takes, a bare int too.
    np.random.seed(3)
    embed = L().EmbedID(10, 3)
    W = embed.W.data
    y = embed(3)
    assert y.shape == (3,)
    np.testing.assert_array_equal(y.data, W[3])
    np.testing.assert_array_equal(embed([1, 1, 7]).data, W[[1, 1, 7]])
    np.testing.assert_array_equal(embed(np.array([[0], [9]])).data, W[[[0], [9]]])
    A.backward(y)
    expected = np.zeros((10, 3))
    expected[3] = 1
    np.testing.assert_array_equal(A.grad(embed.W), expected)


@cap("embed-id")
def test_embed_id_picks_rows_and_adds_the_gradients_of_a_repeated_id():
    np.random.seed(2)
    embed = L().EmbedID(5, 3)
    np.random.seed(2)
    np.testing.assert_allclose(embed.W.data, np.random.randn(5, 3), rtol=1e-6)
    ids = np.array([[4, 0], [0, 0]])
    y = embed(ids)
    np.testing.assert_array_equal(y.data, embed.W.data[ids])
    A.backward(y)
    counts = np.bincount(ids.ravel(), minlength=5)[:, None]  # id 0 three times, 4 once
    np.testing.assert_array_equal(A.grad(embed.W), np.broadcast_to(counts, (5, 3)))


def _bn_data(shape, seed=0):
    return np.random.default_rng(seed).normal(2.0, 3.0, size=shape)


@cap("batch-norm")
@pytest.mark.parametrize("shape", [(6, 3), (2, 3, 2, 2)], ids=str)
def test_batch_norm_layer_trains_on_the_batch_and_keeps_running_averages(shape):
    bn = L().BatchNorm()
    x = _bn_data(shape)
    y = bn(x)
    C = shape[1]
    axes = (0,) if len(shape) == 2 else (0, 2, 3)
    np.testing.assert_array_equal(bn.gamma.data, np.ones(C))
    np.testing.assert_array_equal(bn.beta.data, np.zeros(C))
    np.testing.assert_allclose(y.data, batch_norm_reference(x, np.ones(C), np.zeros(C)),
                               rtol=1e-10, atol=1e-12)
    # Running averages with decay 0.9, from mean 0 and variance 1; the variance that of
    # the m values of each feature, unbiased: times m / (m - 1).
    m = x.size // C
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    np.testing.assert_allclose(bn.avg_mean.data, 0.1 * mean, rtol=1e-12)
    np.testing.assert_allclose(bn.avg_var.data, 0.9 + 0.1 * var * m / (m - 1), rtol=1e-12)
    # Test mode: the running averages, not the batch's statistics.
    with A.dz.test_mode():
        z = bn(x)
    shape_c = (1, C) if len(shape) == 2 else (1, C, 1, 1)
    expected = ((x - bn.avg_mean.data.reshape(shape_c))
                / np.sqrt(bn.avg_var.data.reshape(shape_c) + 2e-5))
    np.testing.assert_allclose(z.data, expected, rtol=1e-10)
    names = {p.name for p in bn.params()}
    assert names == {"avg_mean", "avg_var", "gamma", "beta"}  # all four saved with the model


@cap("batch-norm")
def test_batch_norm_learns_gamma_and_beta_only():
    bn = L().BatchNorm()
    x = A.var(_bn_data((5, 2), seed=1))
    y = bn(x)
    g = np.random.default_rng(2).normal(size=y.shape)
    A.seed(y, g)
    y.backward()
    xc = batch_norm_reference(x.data, np.ones(2), np.zeros(2))
    np.testing.assert_allclose(A.grad(bn.beta), g.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(A.grad(bn.gamma), (xc * g).sum(axis=0), rtol=1e-10)
    assert bn.avg_mean.grad is None and bn.avg_var.grad is None
    # The optimizer leaves what has no gradient alone.
    before = bn.avg_mean.data.copy()
    A.fn("SGD")(lr=1.0).setup(bn).update()
    np.testing.assert_array_equal(bn.avg_mean.data, before)


@pytest.mark.convention("batch_norm's gradient in test mode is that of the test-mode output")
@cap("batch-norm")
def test_in_test_mode_batch_norm_is_an_affine_map_with_that_gradient():
    mean, var = np.array([1.0, -1.0]), np.array([4.0, 0.25])
    gamma, beta = A.var([2.0, 3.0]), A.var([0.5, 0.0])
    x = A.var(_bn_data((3, 2)))
    with A.dz.test_mode():
        y = F().batch_norm(x, gamma, beta, mean, var)
    np.testing.assert_allclose(y.data, (x.data - mean) / np.sqrt(var + 2e-5) * gamma.data
                               + beta.data, rtol=1e-12)
    A.backward(y)
    np.testing.assert_allclose(A.grad(x), np.broadcast_to(gamma.data / np.sqrt(var + 2e-5),
                                                          (3, 2)), rtol=1e-12)
    np.testing.assert_array_equal(mean, [1.0, -1.0])  # test mode leaves them alone


@pytest.mark.convention("an error names the operation and both shapes")
@cap("batch-norm")
def test_batch_norm_of_mismatched_shapes_names_it_and_the_shapes():
    bn = F().batch_norm
    ones = np.ones(3)
    with pytest.raises(ValueError, match="batch_norm") as info:
        bn(np.ones((4, 3, 2)), ones, ones, np.zeros(3), ones)
    assert "(4, 3, 2)" in str(info.value)
    with pytest.raises(ValueError, match="batch_norm") as info:
        bn(np.ones((4, 3)), np.ones(2), ones, np.zeros(3), ones)
    assert "(2,)" in str(info.value) and "(4, 3)" in str(info.value)


@pytest.mark.convention("an error names the operation and both shapes")
@cap("binary-cross-entropy")
@pytest.mark.parametrize("name", ["sigmoid_cross_entropy", "binary_cross_entropy"])
def test_labels_that_do_not_fit_the_scores_name_the_loss_and_both_shapes(name):
    with pytest.raises(ValueError, match=name) as info:
        getattr(F(), name)(A.var(np.full((4, 1), 0.5)), np.zeros((2, 2)))
    assert "(4, 1)" in str(info.value) and "(2, 2)" in str(info.value)


@pytest.mark.convention("integer labels keep float32 scores float32")
@cap("binary-cross-entropy")
def test_integer_labels_keep_a_float32_loss_float32():
    x = A.var(np.array([0.5, -1.0, 2.0]), dtype=np.float32)
    loss = F().sigmoid_cross_entropy(x, np.array([1, 0, 1]))
    assert loss.dtype == np.float32
    p = 1 / (1 + np.exp(-x.data.astype(np.float64)))
    t = np.array([1.0, 0.0, 1.0])
    assert float(loss.data) == pytest.approx(
        -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)), rel=1e-6)


@cap("sequential")
def test_sequential_applies_its_layers_and_functions_in_order():
    np.random.seed(0)
    model = models().Sequential(L().Linear(4), F().relu, L().Linear(2), F().tanh)
    x = np.random.default_rng(1).normal(size=(3, 5))
    y = model(x)
    l0, l2 = model.l0, model.l2
    h = np.maximum(x @ l0.W.data + l0.b.data, 0)
    np.testing.assert_allclose(y.data, np.tanh(h @ l2.W.data + l2.b.data), rtol=1e-5)
    assert sorted(map(id, model.params())) == sorted(map(id, [l0.W, l0.b, l2.W, l2.b]))
    assert isinstance(model, A.fn("Model"))


# ---- ResNet -------------------------------------------------------------------------------


def _convs(layer):
    """Every Conv2d inside layer, in attribute order."""
    found = []
    for value in vars(layer).values():
        if isinstance(value, L().Conv2d):
            found.append(value)
        elif isinstance(value, A.fn("Layer")):
            found.extend(_convs(value))
    return found


RESNET_BLOCKS = {50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}


@cap("resnet")
def test_resnet_has_the_books_four_stages_and_n_layers(monkeypatch):
    for n in (50, 101, 152):
        _check_resnet(n, monkeypatch)


def _check_resnet(n, monkeypatch):
    # Built in full, ResNet draws 25 to 60 million weights; a spy in place of
    # BuildingBlock records what each stage would be and builds nothing.
    made = []

    class Spy(A.fn("Layer")):
        def __init__(self, *args, **kwargs):
            super().__init__()
            made.append(args + tuple(kwargs.values()))

    monkeypatch.setattr(models(), "BuildingBlock", Spy)
    blocks = RESNET_BLOCKS[n]
    by_name = {50: "ResNet50", 101: "ResNet101", 152: "ResNet152"}
    pair = A.module("utils").pair
    for model in (models().ResNet(n), getattr(models(), by_name[n])()):
        assert model.conv1.out_channels == 64 and pair(model.conv1.kernel_size) == (7, 7)
        assert pair(model.conv1.stride) == (2, 2)
        assert A.module("utils").pair(model.conv1.pad) == (3, 3)
        assert model.fc6.out_size == 1000
    # (blocks, in, mid, out channels, stride) of res2 ... res5.
    assert [args[:5] for args in made[:4]] == [(blocks[0], 64, 64, 256, 1),
                                               (blocks[1], 256, 128, 512, 2),
                                               (blocks[2], 512, 256, 1024, 2),
                                               (blocks[3], 1024, 512, 2048, 2)]
    assert made[:4] == made[4:]
    assert 1 + 3 * sum(blocks) + 1 == n  # conv1, three convolutions a block, fc6


@cap("resnet")
def test_resnets_forward_around_its_blocks(monkeypatch):
    # The four stages stand aside (a spy passing x through): what is left is ResNet's own
    # forward, conv1 -> BatchNorm -> relu -> 3x3 max pooling -> global average -> fc6.
    class PassThrough(A.fn("Layer")):
        def __init__(self, *args, **kwargs):
            super().__init__()

        def forward(self, x):
            return x

    monkeypatch.setattr(models(), "BuildingBlock", PassThrough)
    np.random.seed(0)
    model = models().ResNet50()
    x = np.random.default_rng(1).normal(size=(2, 3, 16, 16)).astype(np.float32)
    y = model(x)
    conv, fc = model.conv1, model.fc6
    h = conv2d_reference(x.astype(np.float64), conv.W.data, conv.b.data, 2, 3)
    h = np.maximum(_bn_train(h), 0)
    h = pooling_reference(h, 3, 2).mean(axis=(2, 3))
    assert y.shape == (2, 1000)
    np.testing.assert_allclose(y.data, h @ fc.W.data + fc.b.data, rtol=1e-3, atol=1e-4)


@pytest.mark.convention("an error names the operation")
@cap("resnet")
def test_a_resnet_depth_the_book_does_not_have_names_resnet():
    with pytest.raises(ValueError, match="ResNet"):
        models().ResNet(34)


@cap("resnet")
def test_a_building_block_is_one_bottleneck_a_then_bottleneck_bs():
    block = models().BuildingBlock(3, 4, 2, 8, 2)
    kinds = [type(v).__name__ for v in vars(block).values() if isinstance(v, A.fn("Layer"))]
    assert kinds == ["BottleneckA", "BottleneckB", "BottleneckB"]
    assert len(_convs(block)) == 3 * 3 + 1
    x = np.random.default_rng(0).normal(size=(1, 4, 4, 4)).astype(np.float32)
    assert block(x).shape == (1, 8, 2, 2)


def _bn_train(h):
    return batch_norm_reference(h, np.ones(h.shape[1]), np.zeros(h.shape[1]))


def _conv_draw(out_channels, in_channels, k):
    """The weights a lazy L.Conv2d draws from np.random at its first call: randn of
    (OC, C, k, k), float32, times sqrt(1 / (C k k))."""
    W = np.random.randn(out_channels, in_channels, k, k).astype(np.float32)
    return W * np.float32(np.sqrt(1 / (in_channels * k * k)))


@cap("resnet")
def test_a_bottleneck_draws_its_weights_at_the_first_call_in_forward_order():
    # The book's convolutions get no in_channels: each draws its weights when forward
    # first reaches it, so what a program draws between building and calling the model
    # comes first.
    np.random.seed(5)
    block = models().BottleneckA(3, 2, 4, stride=2)
    convs = [block.conv1, block.conv2, block.conv3, block.conv4]
    assert all(c.W.data is None for c in convs)
    x = np.random.randn(2, 3, 4, 4)
    block(x)
    np.random.seed(5)
    np.testing.assert_array_equal(x, np.random.randn(2, 3, 4, 4))
    # conv1 (3 -> 2, 1x1), conv2 (2 -> 2, 3x3), conv3 (2 -> 4, 1x1), then the shortcut
    # conv4 (3 -> 4, 1x1), which forward reaches last.
    for conv, shape in zip(convs, [(2, 3, 1), (2, 2, 3), (4, 2, 1), (4, 3, 1)], strict=True):
        np.testing.assert_allclose(conv.W.data, _conv_draw(*shape), rtol=1e-6)


@cap("resnet")
def test_resnet_draws_its_first_weights_when_it_is_first_called(monkeypatch):
    class PassThrough(A.fn("Layer")):  # the four stages stand aside: 25 M weights
        def __init__(self, *args, **kwargs):
            super().__init__()

        def forward(self, x):
            return x

    monkeypatch.setattr(models(), "BuildingBlock", PassThrough)
    np.random.seed(0)
    model = models().ResNet50()
    assert model.conv1.W.data is None and model.fc6.W.data is None
    x = np.random.randn(1, 3, 16, 16).astype(np.float32)  # drawn after building
    model(x)
    np.random.seed(0)
    np.random.randn(1, 3, 16, 16)
    np.testing.assert_allclose(model.conv1.W.data, _conv_draw(64, 3, 7), rtol=1e-6)
    fc6 = np.random.randn(64, 1000).astype(np.float32) * np.float32(np.sqrt(1 / 64))
    np.testing.assert_allclose(model.fc6.W.data, fc6, rtol=1e-6)


@cap("resnet")
def test_bottleneck_blocks_add_their_input_back_through_the_shortcut():
    np.random.seed(0)
    x = np.random.default_rng(3).normal(size=(2, 3, 4, 4))
    block = models().BottleneckA(3, 2, 4, stride=2)
    y = block(x)
    c1, c2, c3, c4 = (block.conv1, block.conv2, block.conv3, block.conv4)
    relu = lambda h: np.maximum(h, 0)  # noqa: E731
    h = relu(_bn_train(conv2d_reference(x, c1.W.data, None, 2, 0)))
    h = relu(_bn_train(conv2d_reference(h, c2.W.data, None, 1, 1)))
    h = _bn_train(conv2d_reference(h, c3.W.data, None, 1, 0))
    shortcut = _bn_train(conv2d_reference(x, c4.W.data, None, 2, 0))
    np.testing.assert_allclose(y.data, relu(h + shortcut), rtol=1e-4, atol=1e-5)
    b = models().BottleneckB(4, 2)
    z = b(y)
    k1, k2, k3 = b.conv1.W.data, b.conv2.W.data, b.conv3.W.data
    h = relu(_bn_train(conv2d_reference(y.data, k1, None, 1, 0)))
    h = relu(_bn_train(conv2d_reference(h, k2, None, 1, 1)))
    h = _bn_train(conv2d_reference(h, k3, None, 1, 0))
    np.testing.assert_allclose(z.data, relu(h + y.data), rtol=1e-4, atol=1e-5)


@cap("placeholders")
def test_squeezenet_is_made_as_the_books_empty_placeholder():
    for model in (models().SqueezeNet(), models().SqueezeNet(pretrained=True)):
        assert isinstance(model, A.fn("Model"))
        assert list(model.params()) == []


@pytest.mark.convention("the book's SqueezeNet.forward returned None, and calling the model "
                        "then failed on a weak reference to None")
@cap("placeholders")
def test_calling_squeezenet_says_it_is_a_placeholder():
    model = models().SqueezeNet()
    for call in (model, model.forward):
        with pytest.raises(NotImplementedError, match="SqueezeNet"):
            call(np.zeros((1, 3, 8, 8), np.float32))


@cap("placeholders")
def test_imagenet_is_made_empty_and_says_so_when_asked_for_images():
    datasets = A.module("datasets")
    ds = datasets.ImageNet()  # the book's makes an object with no images
    for ask in (len, lambda d: d[0]):
        with pytest.raises(NotImplementedError, match="ImageNet"):
            ask(ds)


# ---- the released package's other names and defaults -------------------------------------


@cap("final-api")
def test_the_released_package_says_its_version():
    assert A.dz.__version__ == "0.0.13"


@cap("final-api")
def test_names_programs_reach_through_other_modules():
    utils, datasets = A.module("utils"), A.module("datasets")
    assert utils.as_variable is A.dz.as_variable
    assert A.module("cuda").Variable is A.dz.Variable
    assert datasets.get_file is utils.get_file
    fresh = A.fresh_copy(datasets)
    assert fresh.cache_dir == utils.cache_dir
    import importlib.util

    has_pil = importlib.util.find_spec("PIL") is not None
    assert A.module("dataloaders").pil_available is has_pil


@cap("final-api")
def test_max_backward_shape_gives_the_reduced_axes_back_as_ones():
    mbs = A.module("utils").max_backward_shape
    x = np.zeros((2, 3, 4))
    assert mbs(x, None) == [1, 1, 1]
    assert mbs(x, 1) == [2, 1, 4]
    assert mbs(A.var(x), (0, 2)) == [1, 3, 1]
    # The shape numpy's max keeps with keepdims: what y broadcasts back to x from.
    assert mbs(x, [0, 1]) == list(x.max(axis=(0, 1), keepdims=True).shape)


@pytest.mark.convention("a negative axis counts from the end (the book's ignored it)")
@cap("final-api")
def test_max_backward_shape_counts_a_negative_axis_from_the_end():
    assert A.module("utils").max_backward_shape(np.zeros((2, 3, 4)), -1) == [2, 3, 1]


@cap("final-api")
def test_resize_and_to_int_have_the_books_defaults():
    import inspect

    T = transforms()
    # Resize(size, mode=Image.BILINEAR): PIL numbers that filter 2.
    assert inspect.signature(T.Resize).parameters["mode"].default == 2
    assert T.Resize(4).mode == 2 and T.Resize(4, mode=0).mode == 0
    # ToInt(dtype=int): the book's np.int, Python's int, which NumPy 1.24 removed as np.int.
    assert T.ToInt().dtype is int
    y = T.ToInt()(np.array([1.7, -2.2]))
    np.testing.assert_array_equal(y, [1, -2])
    assert y.dtype == np.dtype(int)


@cap("final-api")
def test_resize_by_default_resamples_bilinearly():
    Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed")
    T = transforms()
    img, _ = _image((5, 6, 3))
    assert T.Resize(4).mode == Image.BILINEAR
    np.testing.assert_array_equal(np.asarray(T.Resize((3, 2))(img)),
                                  np.asarray(img.resize((3, 2), Image.BILINEAR)))


# ---- optimizer hooks ----------------------------------------------------------------------


def _two_params(a, b):
    target = A.fn("Layer")()
    target.a = A.fn("Parameter")(np.array(a, dtype=np.float64))
    target.b = A.fn("Parameter")(np.array(b, dtype=np.float64))
    return target


def _step(target, optimizer):
    """One update on sum(a^2)/2 + sum(b^2)/2: the gradients are a and b themselves."""
    target.cleargrads()
    (F().sum(target.a ** 2) / 2 + F().sum(target.b ** 2) / 2).backward()
    optimizer.update()


@cap("optimizer-hooks")
def test_weight_decay_adds_rate_times_the_weight_to_the_gradient():
    target = _two_params([1.0, -2.0], [4.0])
    opt = A.fn("SGD")(lr=0.1).setup(target)
    opt.add_hook(optimizers().WeightDecay(0.5))
    _step(target, opt)
    # g = x + 0.5 x: x - 0.1 * 1.5 x = 0.85 x
    np.testing.assert_allclose(target.a.data, [0.85, -1.7], rtol=1e-15)
    np.testing.assert_allclose(target.b.data, [3.4], rtol=1e-15)


@cap("optimizer-hooks")
def test_clip_grad_scales_all_gradients_together_above_the_norm_only():
    target = _two_params([3.0], [4.0])  # gradients 3 and 4: norm 5
    opt = A.fn("SGD")(lr=1.0).setup(target)
    opt.add_hook(optimizers().ClipGrad(1.0))
    _step(target, opt)
    rate = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(target.a.data, [3.0 - 3.0 * rate], rtol=1e-12)
    np.testing.assert_allclose(target.b.data, [4.0 - 4.0 * rate], rtol=1e-12)
    target = _two_params([0.3], [0.4])  # norm 0.5 < 1: left as it is
    opt = A.fn("SGD")(lr=1.0).setup(target)
    opt.add_hook(optimizers().ClipGrad(1.0))
    _step(target, opt)
    np.testing.assert_allclose([target.a.data[0], target.b.data[0]], [0.0, 0.0], atol=1e-15)


@cap("optimizer-hooks")
def test_freeze_param_keeps_the_frozen_layers_and_parameters_as_they_are():
    model = A.fn("Model")()
    model.l1 = L().Linear(2, in_size=2)
    model.l2 = L().Linear(1, in_size=2)
    model.extra = A.fn("Parameter")(np.array([5.0]))
    frozen = [p.data.copy() for p in model.l1.params()]
    opt = A.fn("SGD")(lr=0.1).setup(model)
    opt.add_hook(optimizers().FreezeParam(model.l1, model.extra))
    before = model.l2.W.data.copy()
    x = np.ones((3, 2), dtype=np.float32)
    loss = F().sum(model.l2(model.l1(x)) * model.extra)
    model.cleargrads()
    loss.backward()
    g = A.grad(model.l2.W).copy()
    opt.update()
    for p, d in zip(model.l1.params(), frozen, strict=True):
        np.testing.assert_array_equal(p.data, d)
    np.testing.assert_array_equal(model.extra.data, [5.0])
    np.testing.assert_allclose(model.l2.W.data, before - 0.1 * g, rtol=1e-6)


# ---- transforms on PIL images -------------------------------------------------------------


def _image(shape=(3, 5, 3), mode="RGB", seed=0):
    Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed")
    array = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
    return Image.fromarray(array, mode), array


@cap("pil-transforms")
def test_to_array_and_to_pil_are_each_others_inverse():
    T = transforms()
    img, rgb = _image()
    x = T.ToArray()(img)
    assert x.dtype == np.float32 and x.shape == (3, 3, 5)  # channels, height, width
    np.testing.assert_array_equal(x, rgb.transpose(2, 0, 1))
    back = T.ToPIL()(x.astype(np.uint8))
    np.testing.assert_array_equal(np.asarray(back), rgb)
    assert T.ToArray(np.float64)(img).dtype == np.float64
    plain = np.ones((3, 2, 2))
    assert T.ToArray()(plain) is plain  # an ndarray passes as it is


@cap("pil-transforms")
def test_convert_center_crop_and_resize():
    T = transforms()
    img, rgb = _image((5, 6, 3))
    np.testing.assert_array_equal(np.asarray(T.Convert("BGR")(img)), rgb[:, :, ::-1])
    assert T.Convert("L")(img).mode == "L"
    # The middle 3 (wide) x 2 (high): columns 1-3 ((6 - 3) // 2 = 1), rows 1-2.
    np.testing.assert_array_equal(np.asarray(T.CenterCrop((3, 2))(img)), rgb[1:3, 1:4])
    np.testing.assert_array_equal(np.asarray(T.CenterCrop(4)(img)), rgb[0:4, 1:5])
    resized = T.Resize((4, 2))(img)
    assert resized.size == (4, 2)  # (width, height), as PIL says it
    np.testing.assert_array_equal(np.asarray(resized),
                                  np.asarray(img.resize((4, 2), 2)))  # 2: bilinear
    pipeline = T.Compose([T.Convert("RGB"), T.CenterCrop(2), T.ToArray(), T.Normalize(0, 255)])
    np.testing.assert_allclose(pipeline(img), rgb[1:3, 2:4].transpose(2, 0, 1) / 255,
                               rtol=1e-6)


@pytest.mark.convention("the book's ToArray/ToPIL took colour images only, and its "
                        "RandomHorizontalFlip was an empty placeholder")
@cap("pil-transforms")
def test_gray_images_and_random_horizontal_flips():
    T = transforms()
    img, gray = _image((3, 4), mode="L")
    x = T.ToArray()(img)
    assert x.shape == (1, 3, 4)
    np.testing.assert_array_equal(x[0], gray)
    assert T.ToPIL()(x.astype(np.uint8)).mode == "L"
    np.random.seed(4)
    draws = np.random.rand(6) < 0.5
    np.random.seed(4)
    flip = T.RandomHorizontalFlip()
    for flipped in draws:
        out = np.asarray(flip(img))
        np.testing.assert_array_equal(out, gray[:, ::-1] if flipped else gray)
    array = np.arange(6).reshape(1, 2, 3)
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(array), array[..., ::-1])


@pytest.mark.convention("Pillow is imported only when a PIL transform runs")
@cap("pil-transforms")
def test_the_package_imports_without_pillow_and_a_pil_transform_says_it_needs_it(
        monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)  # import PIL raises ImportError
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    for name in ("transforms", "datasets", "models"):
        A.fresh_copy(A.module(name))  # runs the module's file again: no Pillow needed
    T = transforms()
    with pytest.raises(ImportError, match="ToPIL"):
        T.ToPIL()(np.zeros((3, 2, 2), np.uint8))
    np.testing.assert_array_equal(T.Flatten()(np.ones((2, 2))), np.ones(4))


# ---- CIFAR from a local server ------------------------------------------------------------


def _records(n, label_bytes, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, (n, label_bytes), dtype=np.uint8)
    images = rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)
    return labels, images, np.concatenate([labels, images.reshape(n, -1)], axis=1).tobytes()


def _tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return buffer.getvalue()


@pytest.fixture
def cifar(server, tmp_path, monkeypatch):
    """(datasets, server, cache, {split: (labels, images)}): a CIFAR-10 archive of 2
    images per training batch and 3 test images, and CIFAR-100's of 4 and 2."""
    server.use(monkeypatch)
    made, members = {}, {}
    for i in range(1, 6):
        labels, images, body = _records(2, 1, i)
        made.setdefault("train", []).append((labels, images))
        members[f"cifar-10-batches-bin/data_batch_{i}.bin"] = body
    labels, images, members["cifar-10-batches-bin/test_batch.bin"] = _records(3, 1, 9)
    made["test"] = [(labels, images)]
    made100 = {}
    for split, n, seed in (("train", 4, 11), ("test", 2, 12)):
        labels, images, body = _records(n, 2, seed)
        made100[split] = (labels, images)
        members[f"cifar-100-binary/{split}.bin"] = body
    server.files["cifar-10-binary.tar.gz"] = _tar_gz(
        {k: v for k, v in members.items() if k.startswith("cifar-10-")})
    server.files["cifar-100-binary.tar.gz"] = _tar_gz(
        {k: v for k, v in members.items() if k.startswith("cifar-100")})
    datasets = A.module("datasets")
    cache = tmp_path / "cache"
    monkeypatch.setattr(datasets, "cifar_url", server.url)
    monkeypatch.setattr(datasets, "cifar_checksums", {
        name: (len(body), hashlib.md5(body).hexdigest())
        for name, body in server.files.items()})
    monkeypatch.setattr(A.module("utils"), "cache_dir", str(cache))
    joined = {split: (np.concatenate([lab for lab, _ in parts]),
                      np.concatenate([img for _, img in parts]))
              for split, parts in made.items()}
    return datasets, server, cache, joined, made100


def _cached(cache):
    return sorted(os.listdir(cache)) if cache.exists() else []


@cap("cifar")
def test_cifar10_downloads_once_and_parses_every_batch(cifar):
    datasets, server, cache, made, _ = cifar
    train = datasets.CIFAR10(train=True)
    labels, images = made["train"]
    assert len(train) == 10 and train.data.dtype == np.uint8
    np.testing.assert_array_equal(train.data, images)
    np.testing.assert_array_equal(train.label, labels[:, 0])
    x, t = train[3]
    assert x.dtype == np.float32 and x.shape == (3, 32, 32)
    np.testing.assert_allclose(x, (images[3] - 0.5) / 0.5, rtol=1e-6)  # the book's default
    assert t == labels[3, 0]
    test = datasets.CIFAR10(train=False, transform=None)
    np.testing.assert_array_equal(test.data, made["test"][1])
    assert server.requests == ["cifar-10-binary.tar.gz"]  # downloaded once for both
    # The archive, and each split's parsed arrays (see test_cifar_keeps_...).
    assert _cached(cache) == ["cifar-10-binary.tar.gz", "cifar-10-binary.tar.gz.test.npz",
                              "cifar-10-binary.tar.gz.train.npz"]
    assert datasets.CIFAR10.labels()[0] == "airplane" and len(datasets.CIFAR10.labels()) == 10


@cap("cifar")
def test_cifar_show_draws_random_images_in_a_grid(cifar, monkeypatch):
    import types

    drawn = []
    plt = types.SimpleNamespace(imshow=lambda img, **kw: drawn.append(img),
                                axis=lambda *a: None, show=lambda: drawn.append("shown"))
    monkeypatch.setitem(sys.modules, "matplotlib", types.SimpleNamespace(pyplot=plt))
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", plt)
    datasets, _, _, made, _ = cifar
    ds = datasets.CIFAR10(train=False)
    np.random.seed(2)
    ds.show(row=1, col=2)
    np.random.seed(2)
    picks = [np.random.randint(0, 3) for _ in range(2)]
    images = made["test"][1][picks].transpose(0, 2, 3, 1) / 255  # (2, 32, 32, 3)
    np.testing.assert_allclose(drawn[0], np.concatenate(list(images), axis=1), rtol=1e-12)
    assert drawn[1] == "shown"


@cap("cifar")
def test_cifar100_labels_each_image_with_its_class_or_its_superclass(cifar):
    datasets, _, _, _, made100 = cifar
    labels, images = made100["train"]
    fine = datasets.CIFAR100(transform=None)
    np.testing.assert_array_equal(fine.data, images)
    np.testing.assert_array_equal(fine.label, labels[:, 1])
    coarse = datasets.CIFAR100(train=False, transform=None, label_type="coarse")
    np.testing.assert_array_equal(coarse.label, made100["test"][0][:, 0])
    assert len(datasets.CIFAR100.labels()) == 100
    assert len(datasets.CIFAR100.labels("coarse")) == 20


@cap("cifar")
def test_a_bad_cifar_download_is_an_error_and_nothing_is_cached(cifar):
    datasets, server, cache, _, _ = cifar
    name = "cifar-10-binary.tar.gz"
    body, checksums = server.files[name], dict(datasets.cifar_checksums)
    for damage in ("truncated", "member-missing", "record-cut", "md5"):
        server.files[name] = body
        datasets.cifar_checksums.update(checksums)
        _damage_cifar(datasets, server, name, body, damage)
        with pytest.raises(ValueError):
            datasets.CIFAR10()
        assert _cached(cache) == [], damage


def _damage_cifar(datasets, server, name, body, damage):
    if damage == "truncated":
        server.files[name] = body[: len(body) // 2]
    elif damage in ("member-missing", "record-cut"):
        raw = tarfile.open(fileobj=io.BytesIO(body), mode="r:gz")
        members = {m.name: raw.extractfile(m).read() for m in raw.getmembers()}
        key = "cifar-10-batches-bin/test_batch.bin"
        if damage == "member-missing":
            del members[key]
        else:
            members[key] = members[key][:-100]
        server.files[name] = _tar_gz(members)
    if damage != "md5":
        del datasets.cifar_checksums[name]  # only parsing can tell
    else:
        datasets.cifar_checksums[name] = (len(body), "0" * 32)


@cap("cifar")
def test_cifar_offline_says_what_to_download_and_where(cifar, monkeypatch):
    datasets, server, cache, _, _ = cifar
    del server.files["cifar-10-binary.tar.gz"]
    with pytest.raises(OSError, match="CIFAR10") as info:
        datasets.CIFAR10()
    assert os.path.join(str(cache), "cifar-10-binary.tar.gz") in str(info.value)
    assert _cached(cache) == []


@cap("cifar")
def test_cifar_keeps_the_parsed_arrays_and_reads_them_back_without_the_archive(cifar):
    datasets, server, cache, made, made100 = cifar
    first = datasets.CIFAR10(train=False, transform=None)
    assert _cached(cache) == ["cifar-10-binary.tar.gz", "cifar-10-binary.tar.gz.test.npz"]
    with np.load(cache / "cifar-10-binary.tar.gz.test.npz") as kept:
        assert sorted(kept.files) == ["data", "label"]
        np.testing.assert_array_equal(kept["data"], made["test"][1])
        np.testing.assert_array_equal(kept["label"], made["test"][0][:, 0])
    # Archive gone from the cache and from the server: the kept arrays are enough.
    os.remove(cache / "cifar-10-binary.tar.gz")
    del server.files["cifar-10-binary.tar.gz"]
    again = datasets.CIFAR10(train=False, transform=None)
    np.testing.assert_array_equal(again.data, first.data)
    np.testing.assert_array_equal(again.label, first.label)
    assert server.requests == ["cifar-10-binary.tar.gz"]
    # CIFAR-100's fine and coarse labels are kept apart: the second is not the first's.
    labels, _ = made100["test"]
    fine = datasets.CIFAR100(train=False, transform=None)
    coarse = datasets.CIFAR100(train=False, transform=None, label_type="coarse")
    np.testing.assert_array_equal(fine.label, labels[:, 1])
    np.testing.assert_array_equal(coarse.label, labels[:, 0])
    assert "cifar-100-binary.tar.gz.fine.test.npz" in _cached(cache)
    assert "cifar-100-binary.tar.gz.coarse.test.npz" in _cached(cache)


# The book's names of CIFAR-100's 20 superclasses (datasets.CIFAR100.labels("coarse") in
# dezero 0.0.13), in label order; "household electrical device" is the book's spelling.
BOOK_CIFAR100_COARSE = [
    "aquatic mammals", "fish", "flowers", "food containers", "fruit and vegetables",
    "household electrical device", "household furniture", "insects", "large carnivores",
    "large man-made outdoor things", "large natural outdoor scenes",
    "large omnivores and herbivores", "medium-sized mammals", "non-insect invertebrates",
    "people", "reptiles", "small mammals", "trees", "vehicles 1", "vehicles 2",
]


@cap("cifar")
def test_cifar_label_names_are_the_books():
    datasets = A.module("datasets")
    assert datasets.CIFAR100.labels("coarse") == dict(enumerate(BOOK_CIFAR100_COARSE))
    # CIFAR-10's, with the book's "ariplane" spelt right.
    assert datasets.CIFAR10.labels() == dict(enumerate(
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
         "truck"]))


@cap("npz-cache")
def test_save_and_load_cache_npz_keep_data_and_label_per_split(tmp_path, monkeypatch):
    datasets = A.module("datasets")
    monkeypatch.setattr(A.module("utils"), "cache_dir", str(tmp_path))
    url = "https://example.org/data/thing.tar.gz"
    assert datasets.load_cache_npz(url, train=True) == (None, None)
    data = np.random.default_rng(0).integers(0, 256, (4, 3, 2, 2), dtype=np.uint8)
    label = np.array([3, 1, 4, 1])
    datasets.save_cache_npz(data, label, url, train=True)
    # The URL's last part plus .train.npz, in the cache folder; nothing else left there.
    assert sorted(os.listdir(tmp_path)) == ["thing.tar.gz.train.npz"]
    got_data, got_label = datasets.load_cache_npz(url, train=True)
    np.testing.assert_array_equal(got_data, data)
    np.testing.assert_array_equal(got_label, label)
    assert got_data.dtype == np.uint8 and got_label.dtype == label.dtype
    assert datasets.load_cache_npz(url) == (None, None)  # train=False: the test split
    # A cache that is there already is kept as it is.
    datasets.save_cache_npz(data + 1, label, url, train=True)
    np.testing.assert_array_equal(datasets.load_cache_npz(url, train=True)[0], data)
    datasets.save_cache_npz(data[:2], label[:2], "thing.tar.gz")  # a bare name works too
    assert len(datasets.load_cache_npz(url)[0]) == 2


@pytest.mark.convention("an unreadable cache is an error naming the file")
@cap("npz-cache")
def test_a_broken_npz_cache_is_an_error_naming_it(tmp_path, monkeypatch):
    datasets = A.module("datasets")
    monkeypatch.setattr(A.module("utils"), "cache_dir", str(tmp_path))
    (tmp_path / "thing.tar.gz.test.npz").write_bytes(b"PK\x03\x04 not a whole zip")
    with pytest.raises(ValueError, match="thing.tar.gz.test.npz"):
        datasets.load_cache_npz("thing.tar.gz")
    np.savez(tmp_path / "other.train.npz", data=np.zeros(3))  # no label
    with pytest.raises(ValueError, match="other.train.npz"):
        datasets.load_cache_npz("other", train=True)


@cap("shakespear")
def test_shakespear_numbers_characters_by_first_appearance(tmp_path, monkeypatch):
    # The text already in the cache, where get_file looks first: no download.
    text = "To be, or not to be"
    (tmp_path / "shakespear.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(A.module("utils"), "cache_dir", str(tmp_path))
    ds = A.module("datasets").Shakespear()
    order = list(dict.fromkeys(text))  # each character where it first appears
    ids = [order.index(c) for c in text]
    np.testing.assert_array_equal(ds.data, ids[:-1])
    np.testing.assert_array_equal(ds.label, ids[1:])
    assert ds.char_to_id == {c: i for i, c in enumerate(order)}
    assert ds.id_to_char == dict(enumerate(order))
    assert len(ds) == len(text) - 1


# ---- utils --------------------------------------------------------------------------------


@cap("tensor-helpers")
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_average_multiplies_the_sum_by_the_share_as_the_book_does(dtype):
    # The book: y = sum(x, axis, keepdims); return y * (y.data.size / x.data.size).
    # Multiplying by 1/3 and dividing by 3 differ in the last digit for some of these.
    x = np.random.default_rng(7).normal(size=(4, 3, 5)).astype(dtype)
    for axis, keepdims in ((None, False), (1, False), ((0, 2), True)):
        s = x.sum(axis=axis, keepdims=keepdims)
        expected = s * np.asarray(s.size / x.size, dtype=dtype)
        got = F().average(x, axis, keepdims)
        expect_dtype(got, dtype, "average")
        np.testing.assert_array_equal(got.data, expected, err_msg=f"axis={axis}")


@cap("final-utils")
def test_numerical_grad_passes_fs_other_arguments():
    x = np.array([1.0, -2.0, 0.5])
    g = A.module("utils").numerical_grad(lambda v, k, c=0.0: v ** k + c, x, 3, c=2.0)
    np.testing.assert_allclose(g, 3 * x ** 2, rtol=1e-6)


@cap("final-utils")
def test_gradient_check_tells_a_right_backward_from_a_wrong_one():
    utils = A.module("utils")

    class Twice(A.dz.Function):
        def forward(self, x):
            return x * 2

        def backward(self, gy):
            return gy * 3  # wrong: should be 2

    x = np.random.default_rng(0).normal(size=(2, 3))
    assert utils.gradient_check(F().sin, x)
    assert utils.gradient_check(lambda v, k: F().sum(v ** k, axis=1), x, 2)
    assert not utils.gradient_check(lambda v: Twice()(v), x)


@cap("final-utils")
def test_array_equal_and_allclose_take_arrays_and_variables():
    utils = A.module("utils")
    a = np.array([1.0, 2.0])
    assert utils.array_equal(A.var(a), a) and utils.array_equal(a, A.var(a))
    assert not utils.array_equal(a, a + 1e-9)
    assert not utils.array_equal(a, np.array([1.0, 2.0, 3.0]))
    assert utils.array_allclose(A.var(a), a + 1e-6)
    assert not utils.array_allclose(a, a + 1e-2)
    assert utils.array_allclose(a, a + 1e-2, rtol=0, atol=0.1)


@cap("final-utils")
def test_show_progress_draws_a_bar_of_thirty(capsys):
    utils = A.module("utils")
    utils.show_progress(1, 10, 40)  # 25 %: 7.5 of 30 marks, 7 drawn
    utils.show_progress(5, 10, 40)  # past the end: full
    out = capsys.readouterr().out
    assert out == "\r[" + "#" * 7 + "." * 23 + "] 25.00%" + "\r[" + "#" * 30 + "] 100.00%"


# ---- a program written for the book's final package ---------------------------------------


BOOK_PROGRAM = '''
import numpy as np
import dezero
import dezero.functions as F
import dezero.layers as L
from dezero import DataLoader, Model, optimizers, test_mode
from dezero.models import Sequential
from dezero.transforms import AsType, Compose, Normalize


class Stripes(dezero.datasets.Dataset):
    """6x6 gray images: class 0 has its bright stripe in the top half, class 1 below."""

    def prepare(self):
        rng = np.random.RandomState(0 if self.train else 1)
        self.label = np.arange(40) % 2
        images = rng.uniform(0, 50, (40, 1, 6, 6))
        for i, t in enumerate(self.label):
            row = rng.randint(0, 3) + 3 * t
            images[i, 0, row] += 200
        self.data = images.astype(np.uint8)


class CNN(Model):
    def __init__(self):
        super().__init__()
        self.conv = L.Conv2d(4, kernel_size=3, stride=1, pad=1)
        self.head = Sequential(L.Linear(8), F.relu, L.Linear(2))

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = F.pooling(x, 2, 2)
        x = F.dropout(F.flatten(x), 0.1)
        return self.head(x)


np.random.seed(0)
transform = Compose([AsType(np.float32), Normalize(0.0, 255.0)])
train_set = Stripes(train=True, transform=transform)
test_set = Stripes(train=False, transform=transform)
train_loader = DataLoader(train_set, batch_size=10)
model = CNN()
optimizer = optimizers.Adam(alpha=0.01).setup(model)
optimizer.add_hook(optimizers.WeightDecay(1e-4))
losses = []
for epoch in range(8):
    for x, t in train_loader:
        loss = F.softmax_cross_entropy(model(x), t)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        losses.append(float(loss.data))

x_test = np.array([test_set[i][0] for i in range(len(test_set))])
t_test = test_set.label
with test_mode(), dezero.no_grad():
    y_test = model(x_test)
    accuracy = float(F.accuracy(y_test, t_test).data)
model.save_weights(weights_path)
'''


@cap("book-program")
def test_a_program_for_the_books_package_runs_and_learns(tmp_path):
    weights = str(tmp_path / "cnn.npz")
    scope = {"__name__": "book_program", "weights_path": weights}
    exec(compile(BOOK_PROGRAM, "book_program.py", "exec"), scope)  # noqa: S102
    losses, model, y_test = scope["losses"], scope["model"], scope["y_test"]
    x_test, t_test = scope["x_test"], scope["t_test"]
    assert len(losses) == 32 and np.mean(losses[-4:]) < 0.5 * np.mean(losses[:4])
    # The accuracy it printed, counted here from the scores.
    counted = np.mean(y_test.data.argmax(axis=1) == t_test)
    assert scope["accuracy"] == counted >= 0.9
    # Test mode is deterministic (no dropout) ...
    with A.dz.test_mode():
        again = model(x_test).data
    np.testing.assert_array_equal(again, y_test.data)
    # ... and a fresh model loaded from the saved file computes the same scores.
    fresh = scope["CNN"]()
    fresh.load_weights(weights)
    with A.dz.test_mode():
        np.testing.assert_allclose(fresh(x_test).data, y_test.data, rtol=1e-6)
    # The network by hand, in numpy, with the model's weights, in test mode.
    conv, head = model.conv, model.head
    h = conv2d_reference(x_test.astype(np.float64), conv.W.data, conv.b.data, 1, 1)
    h = pooling_reference(np.maximum(h, 0), 2, 2).reshape(len(h), -1)
    h = np.maximum(h @ head.l0.W.data + head.l0.b.data, 0) @ head.l2.W.data + head.l2.b.data
    np.testing.assert_allclose(y_test.data, h, rtol=1e-4, atol=1e-4)
