"""Models: the whole network as one Layer.

A Model is a Layer that also knows how to draw itself (plot). MLP builds a
multi-layer perceptron from a list of layer sizes, so that a network of any
depth is one line: MLP((10, 10, 3)). VGG16 (step 58) is the classic deep
CNN, with random weights or, downloaded once, those trained on ImageNet.
Sequential and ResNet50/101/152 are the rest of the book's final package.
"""


import numpy as np

import dezero.functions as F
import dezero.layers as L
from dezero import utils
from dezero.layers import Layer


class Model(Layer):
    """A Layer that is a whole network: the thing training works on."""

    def plot(self, *inputs, to_file="model.png"):
        """Run the model on inputs and draw the graph it builds into to_file.

        The DOT text is written beside the picture (see utils.plot_dot_graph),
        even when graphviz's dot is missing and no picture can be drawn.
        """
        y = self.forward(*inputs)
        return utils.plot_dot_graph(y, verbose=True, to_file=to_file)


class Sequential(Model):
    """Layers (or functions) applied one after another: Sequential(L.Linear(10), F.relu, ...)."""

    def __init__(self, *layers):
        super().__init__()
        self.layers = []
        for i, layer in enumerate(layers):
            if not callable(layer):
                raise TypeError(f"Sequential: item {i} is not a layer or a "
                                f"function, got {type(layer).__name__}")
            # self.l0, self.l1, ...: a Layer among them is recorded as
            # holding parameters; a plain function is simply kept.
            setattr(self, "l" + str(i), layer)
            self.layers.append(layer)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class MLP(Model):
    """A multi-layer perceptron: Linear layers with an activation between them.

    fc_output_sizes gives each layer's output size, the last one being the
    network's output: MLP((10, 1)) is Linear(10), activation, Linear(1).
    """

    def __init__(self, fc_output_sizes, activation=F.sigmoid):
        super().__init__()
        if len(fc_output_sizes) == 0:
            raise ValueError("MLP: fc_output_sizes must name at least one layer")
        self.activation = activation
        # A plain list keeps the order to apply the layers in; it is not a
        # Layer, so the parameters are found through the attributes below.
        self.layers = []
        for i, out_size in enumerate(fc_output_sizes):
            layer = L.Linear(out_size)
            # self.l0, self.l1, ...: setattr passes through Layer.__setattr__,
            # which records each one as holding parameters.
            setattr(self, "l" + str(i), layer)
            self.layers.append(layer)

    def forward(self, x):
        # The activation goes between layers, not after the last one: the
        # output is left as it is for the loss to interpret.
        for layer in self.layers[:-1]:
            x = self.activation(layer(x))
        return self.layers[-1](x)


# --- Pretrained weights --------------------------------------------------------


# The size in bytes and md5 of each weights file that is known, checked after
# the download and at every load, as for MNIST. A file with no entry is only
# checked to be an .npz file holding the model's parameters. A test serving
# files of its own may fill or replace this table (and point the model's
# WEIGHTS_PATH at its server; utils.cache_dir says where files are kept).
weights_checksums = {}


def _weight_names(model):
    """The names that save_weights gives model's parameters ("conv1_1/W", ...)."""
    params_dict = {}
    model._flatten_params(params_dict)
    return set(params_dict)


def _pretrained_weights(model, url, size_note=None):
    """The path of model's pretrained weights file, from the cache or url.

    A download is kept only if it is an .npz file whose arrays all read
    and that holds exactly the model's parameters (and matches
    weights_checksums, where known).
    Without a network, one error says what to download and where to put it.
    """
    name = type(model).__name__
    file_name = url[url.rfind("/") + 1:]
    expected = _weight_names(model)

    def check(path):
        # Every array is read, as load_weights will (never unpickled): a
        # truncated, corrupt or pickled file is refused before it is kept.
        try:
            found = set(L._read_npz(name, path))
        except OSError as e:
            raise ValueError(str(e)) from e
        if found != expected:
            missing = sorted(expected - found)[:3]
            extra = sorted(found - expected)[:3]
            raise ValueError(f"not {name}'s weights (missing {missing}, "
                             f"unexpected {extra})")

    size, md5 = weights_checksums.get(file_name, (None, None))
    try:
        return utils.get_file(url, size=size, md5=md5, check=check)
    except utils.DownloadError as e:
        # get_file's message says which URL failed and where to save the
        # file by hand; add what the file is and the way around it.
        what = file_name if size_note is None else f"{file_name} ({size_note})"
        raise utils.DownloadError(
            f"{name}(pretrained=True) needs the trained weights {what}. {e} "
            "(or set DEZERO_CACHE to a folder that has it). "
            f"{name}(pretrained=False) needs no file.") from e


# --- VGG16 ---------------------------------------------------------------------


class VGG16(Model):
    """VGG16 (Simonyan and Zisserman, 2014): 13 convolutional and 3 linear layers.

    Five blocks of 3x3 convolutions (64, 128, 256, 512, 512 channels), each
    followed by 2x2 max pooling, which halves the image; then fc6 and fc7
    (4096 units, with dropout) and fc8, one score for each of ImageNet's
    1000 classes. pretrained=True loads the weights trained on ImageNet
    (downloaded once, about 528 MB; their input is a 224x224 image made by
    VGG16.preprocess); pretrained=False leaves random weights, drawn at the
    first call, when each layer sees its input.
    """

    WEIGHTS_PATH = ("https://github.com/koki0702/dezero-models/releases/"
                    "download/v0.1/vgg16.npz")

    def __init__(self, pretrained=False):
        super().__init__()
        self.conv1_1 = L.Conv2d(64, kernel_size=3, stride=1, pad=1)
        self.conv1_2 = L.Conv2d(64, kernel_size=3, stride=1, pad=1)
        self.conv2_1 = L.Conv2d(128, kernel_size=3, stride=1, pad=1)
        self.conv2_2 = L.Conv2d(128, kernel_size=3, stride=1, pad=1)
        self.conv3_1 = L.Conv2d(256, kernel_size=3, stride=1, pad=1)
        self.conv3_2 = L.Conv2d(256, kernel_size=3, stride=1, pad=1)
        self.conv3_3 = L.Conv2d(256, kernel_size=3, stride=1, pad=1)
        self.conv4_1 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.conv4_2 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.conv4_3 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.conv5_1 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.conv5_2 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.conv5_3 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.fc6 = L.Linear(4096)
        self.fc7 = L.Linear(4096)
        self.fc8 = L.Linear(1000)

        if pretrained:
            path = _pretrained_weights(self, VGG16.WEIGHTS_PATH, "about 528 MB")
            self.load_weights(path)

    def forward(self, x):
        # Padding 1 keeps a 3x3 convolution's output the input's size; each
        # pooling halves it: 224 -> 112 -> 56 -> 28 -> 14 -> 7.
        x = F.relu(self.conv1_1(x))
        x = F.relu(self.conv1_2(x))
        x = F.pooling(x, 2, 2)
        x = F.relu(self.conv2_1(x))
        x = F.relu(self.conv2_2(x))
        x = F.pooling(x, 2, 2)
        x = F.relu(self.conv3_1(x))
        x = F.relu(self.conv3_2(x))
        x = F.relu(self.conv3_3(x))
        x = F.pooling(x, 2, 2)
        x = F.relu(self.conv4_1(x))
        x = F.relu(self.conv4_2(x))
        x = F.relu(self.conv4_3(x))
        x = F.pooling(x, 2, 2)
        x = F.relu(self.conv5_1(x))
        x = F.relu(self.conv5_2(x))
        x = F.relu(self.conv5_3(x))
        x = F.pooling(x, 2, 2)
        # (N, 512, 7, 7) -> (N, 25088): one row per image for the Linears.
        x = F.reshape(x, (x.shape[0], -1))
        x = F.dropout(F.relu(self.fc6(x)))
        x = F.dropout(F.relu(self.fc7(x)))
        x = self.fc8(x)
        return x

    @staticmethod
    def preprocess(image, size=(224, 224), dtype=np.float32):
        """A PIL image as the pretrained VGG16 expects it: (3, H, W) BGR floats.

        Resized to size (no resizing if size is None), the channels in the
        order blue, green, red, each less ImageNet's mean of that channel,
        as the weights were trained (Caffe's convention).
        """
        image = image.convert("RGB")
        if size:
            image = image.resize(size)
        image = np.asarray(image, dtype=dtype)
        # RGB -> BGR, then subtract the mean of each (B, G, R).
        image = image[:, :, ::-1]
        image = image - np.array([103.939, 116.779, 123.68], dtype=dtype)
        # (H, W, C) -> (C, H, W)
        return image.transpose((2, 0, 1))


# --- ResNet ----------------------------------------------------------------------


class ResNet(Model):
    """ResNet (He et al., 2015) with 50, 101 or 152 layers.

    A 7x7 convolution and max pooling, then four stages of bottleneck
    blocks (res2 ... res5) whose outputs add their inputs back (the
    residual connections that let so deep a network learn), global average
    pooling and a Linear layer with ImageNet's 1000 classes.
    pretrained=True loads the trained weights, downloaded once.
    """

    WEIGHTS_PATH = ("https://github.com/koki0702/dezero-models/releases/"
                    "download/v0.1/resnet{}.npz")

    # The number of blocks in each of the four stages.
    BLOCKS = {50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}

    def __init__(self, n_layers=152, pretrained=False):
        super().__init__()
        if n_layers not in ResNet.BLOCKS:
            raise ValueError("ResNet: n_layers must be 50, 101 or 152, got "
                             f"{n_layers!r}")
        block = ResNet.BLOCKS[n_layers]

        # The book wrote L.Conv2d(3, 64, 7, 2, 3), Chainer's order (in
        # channels first), which DeZero's Conv2d reads as 3 output
        # channels of a 64x64 kernel: its ResNet could not run. Every
        # layer here finds its input size at the first call and draws its
        # weights then, in the order the forward pass reaches them, as the
        # book's lazy layers would: a seeded program draws what it draws
        # between building and calling the model first, as with the book's.
        self.conv1 = L.Conv2d(64, 7, stride=2, pad=3)
        self.bn1 = L.BatchNorm()
        self.res2 = BuildingBlock(block[0], 64, 64, 256, 1)
        self.res3 = BuildingBlock(block[1], 256, 128, 512, 2)
        self.res4 = BuildingBlock(block[2], 512, 256, 1024, 2)
        self.res5 = BuildingBlock(block[3], 1024, 512, 2048, 2)
        self.fc6 = L.Linear(1000)

        if pretrained:
            path = _pretrained_weights(self, ResNet.WEIGHTS_PATH.format(n_layers))
            self.load_weights(path)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.pooling(x, kernel_size=3, stride=2)
        x = self.res2(x)
        x = self.res3(x)
        x = self.res4(x)
        x = self.res5(x)
        x = _global_average_pooling_2d(x)
        x = self.fc6(x)
        return x


class ResNet152(ResNet):
    """ResNet with 152 layers."""

    def __init__(self, pretrained=False):
        super().__init__(152, pretrained)


class ResNet101(ResNet):
    """ResNet with 101 layers."""

    def __init__(self, pretrained=False):
        super().__init__(101, pretrained)


class ResNet50(ResNet):
    """ResNet with 50 layers."""

    def __init__(self, pretrained=False):
        super().__init__(50, pretrained)


def _global_average_pooling_2d(x):
    """(N, C, H, W) -> (N, C): the mean of each channel over the whole image."""
    N, C, H, W = x.shape
    h = F.average_pooling(x, (H, W), stride=1)
    return F.reshape(h, (N, C))


class BuildingBlock(Layer):
    """One stage of ResNet: a BottleneckA, then n_layers - 1 BottleneckBs."""

    def __init__(self, n_layers=None, in_channels=None, mid_channels=None,
                 out_channels=None, stride=None, downsample_fb=None):
        super().__init__()
        self.a = BottleneckA(in_channels, mid_channels, out_channels, stride,
                             downsample_fb)
        # The names of the blocks, in the order to apply them.
        self._forward = ["a"]
        for i in range(n_layers - 1):
            name = "b" + str(i + 1)
            setattr(self, name, BottleneckB(out_channels, mid_channels))
            self._forward.append(name)

    def forward(self, x):
        for name in self._forward:
            x = getattr(self, name)(x)
        return x


class BottleneckA(Layer):
    """A bottleneck block that changes the channels (and may halve the image).

    1x1 convolution down to mid_channels, 3x3 convolution, 1x1 convolution
    up to out_channels, each with batch normalisation; the input, through
    a 1x1 convolution of its own to out_channels, is added to the result.
    The stride (2 to halve the image) is on the first 1x1 convolution, as
    in the original ResNet, or with downsample_fb=True on the 3x3 one
    (Facebook's ResNet).

    The convolutions find their input channels at the first call and draw
    their weights then, in the order forward reaches them (conv1, conv2,
    conv3, then the shortcut's conv4), as in the book; in_channels is taken
    as the book takes it, for the caller's record.
    """

    def __init__(self, in_channels, mid_channels, out_channels, stride=2,
                 downsample_fb=False):
        super().__init__()
        stride_1x1, stride_3x3 = (1, stride) if downsample_fb else (stride, 1)
        self.conv1 = L.Conv2d(mid_channels, 1, stride_1x1, 0, nobias=True)
        self.bn1 = L.BatchNorm()
        self.conv2 = L.Conv2d(mid_channels, 3, stride_3x3, 1, nobias=True)
        self.bn2 = L.BatchNorm()
        self.conv3 = L.Conv2d(out_channels, 1, 1, 0, nobias=True)
        self.bn3 = L.BatchNorm()
        self.conv4 = L.Conv2d(out_channels, 1, stride, 0, nobias=True)
        self.bn4 = L.BatchNorm()

    def forward(self, x):
        h1 = F.relu(self.bn1(self.conv1(x)))
        h1 = F.relu(self.bn2(self.conv2(h1)))
        h1 = self.bn3(self.conv3(h1))
        h2 = self.bn4(self.conv4(x))
        return F.relu(h1 + h2)


class BottleneckB(Layer):
    """A bottleneck block that keeps the channels: its input is added back as it is."""

    def __init__(self, in_channels, mid_channels):
        super().__init__()
        self.conv1 = L.Conv2d(mid_channels, 1, 1, 0, nobias=True)
        self.bn1 = L.BatchNorm()
        self.conv2 = L.Conv2d(mid_channels, 3, 1, 1, nobias=True)
        self.bn2 = L.BatchNorm()
        self.conv3 = L.Conv2d(in_channels, 1, 1, 0, nobias=True)
        self.bn3 = L.BatchNorm()

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = F.relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        return F.relu(h + x)


# --- SqueezeNet ------------------------------------------------------------------


class SqueezeNet(Model):
    """A placeholder, as in the book's package, which names SqueezeNet but
    does not build it: the model is made, with no layers and no weights
    (pretrained=True has nothing to load), and calling it says so. (The
    book's forward returned None, and calling the model then failed inside
    Layer.__call__.)"""

    def __init__(self, pretrained=False):
        super().__init__()

    def forward(self, x):
        raise NotImplementedError(
            "SqueezeNet: the book's package has only an empty placeholder for "
            "it; use VGG16 or ResNet50/101/152")
