"""Models: the whole network as one Layer.

A Model is a Layer that also knows how to draw itself (plot). MLP builds a
multi-layer perceptron from a list of layer sizes, so that a network of any
depth is one line: MLP((10, 10, 3)). VGG16 (step 58) is the classic deep
CNN, with random weights or, downloaded once, those trained on ImageNet.
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


def _pretrained_weights(model, url, size_note):
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
        raise utils.DownloadError(
            f"{name}(pretrained=True) needs the trained weights {file_name} "
            f"({size_note}). {e} (or set DEZERO_CACHE to a folder that has "
            f"it). {name}(pretrained=False) needs no file.") from e


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
