"""Models: the whole network as one Layer.

A Model is a Layer that also knows how to draw itself (plot). MLP builds a
multi-layer perceptron from a list of layer sizes, so that a network of any
depth is one line: MLP((10, 10, 3)).
"""

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
