"""The capability table: the single source for markers, skip reasons, reports and docs.

The book's milestones (고지) are named "milestone" here; a "stage" is always one step's
frozen folder under stages/.

Every test in the shared suite carries `@pytest.mark.capability("name")` naming one row of
this table. A row says in which step the capability arrives; the suite runs its tests on
that stage and every later one, and skips them earlier with "arrives in step N".

A *pin* (kind="pin") is the opposite: a limitation of the early stages that a later step
removes. Its tests check the limitation is really there, from `step` up to `until` (the step
before the fix), and are skipped from the fix on with "fixed in step M".

A capability is required of code graded as step N only if the book's own code of step N has
it, under the name the tests use: the book's step 10 has a unittest that compares backward
with numerical_diff, not a `gradient_check` function, so that function is this project's
convention there. An *extra* (extra=True) is in the book's released package (dezero 0.0.13)
but never taught in a step's text (hooks, embed_id, ResNet): code that lacks its names is
"not in your code", never a failure.
"""

from __future__ import annotations

import dataclasses

from dezero_stages.naming import FINAL, step_label


@dataclasses.dataclass(frozen=True)
class Capability:
    name: str
    step: int
    summary: str
    until: int | None = None  # pins only: the last step that still has the limitation
    stage_only: bool = False  # a convention of this project's stages: not graded in --impl code
    extra: bool = False  # only in the book's released package, never taught: a missing name
    # in it is "not in your code" (MISSING), not a failure

    @property
    def kind(self) -> str:
        return "pin" if self.until is not None else "feature"

    def timing(self, step: int) -> str | None:
        """"arrives" before its step, "fixed" after a pin's last step, None while it applies.

        The one arrives/fixed rule: the suite's skips and the reports both ask here.
        """
        if step < self.step:
            return "arrives"
        if self.until is not None and step > self.until:
            return "fixed"
        return None

    def applies_to(self, step: int) -> bool:
        return self.timing(step) is None

    def skip_reason(self, step: int) -> str | None:
        timing = self.timing(step)
        if timing == "arrives":
            return f"{self.name}: arrives in {step_label(self.step)}"
        if timing == "fixed":
            return f"{self.name}: limitation fixed in {step_label(self.until + 1)}"
        return None


def _feature(name, step, summary):
    return Capability(name, step, summary)


def _pin(name, step, until, summary):
    return Capability(name, step, summary, until=until)


def _convention(name, step, summary):
    return Capability(name, step, summary, stage_only=True)


def _extra(name, step, summary):
    return Capability(name, step, summary, extra=True)


CAPABILITIES: tuple[Capability, ...] = (
    # Milestone 1 (제1고지): automatic differentiation
    _convention("stage-marker", 1, "the stage's dezero.__step__ names the stage it is"),
    _convention("book-api", 1, "names the book's package has take the book's calls: order, "
                "keywords, defaults"),
    _feature("variable-box", 1, "Variable(data) keeps the very ndarray it was given"),
    _feature("function-call", 2, "Function()(x) wraps forward and returns a Variable; Square"),
    _feature("exp-chain", 3, "Exp, and functions composed: square(exp(square(0.5)))"),
    _feature("numerical-diff", 4, "numerical_diff(f, x, eps=1e-4) by central difference"),
    _feature("manual-backward", 6, "grad, Function.input and backward methods, called by hand"),
    _feature("auto-backward", 7, "creator links; y.backward() walks the graph by itself"),
    _pin("recursive-backward", 7, 7, "recursive backward overflows the stack on a long chain"),
    _feature("iterative-backward", 8, "backward is a loop: a 100 000-op chain backpropagates"),
    _pin("any-data-accepted", 1, 8, "Variable accepts data that is not an ndarray"),
    _feature("function-helpers", 9, "square() and exp() as plain Python functions"),
    _feature("seed-grad", 9, "backward() seeds the output gradient with ones_like"),
    _feature("ndarray-only", 9, "Variable rejects non-ndarray data with a TypeError"),
    _feature("as-array", 9, "0-d results stay ndarrays, never numpy scalars"),
    _feature("gradient-check", 10, "backward agrees with numerical_diff on a random 1-element x"),
    _convention("gradient-check-function", 10, "gradient_check(f, x) compares backprop with "
                "numerical gradients"),
    # Milestone 2 (제2고지): natural code
    _feature("variadic-forward", 11, "Function takes and returns lists; Add"),
    _feature("variadic-unpacked", 12, "f(*inputs) with a single output unpacked; add()"),
    _feature("multi-input-backward", 13, "backward through functions with several inputs"),
    _pin("grad-overwritten", 13, 13, "add(x, x) gives grad 1: the second gradient overwrites"),
    _feature("grad-accumulation", 14, "gradients from every use of a variable add up"),
    _feature("cleargrad", 14, "cleargrad() resets a gradient for a new computation"),
    _pin("backward-out-of-order", 14, 15, "branching graph: dx is 96, not 64 (order ignored)"),
    _feature("generation-order", 16, "backward in generation order, each function once"),
    _pin("cycle-survives", 7, 16, "with gc disabled a dropped output's graph stays alive"),
    _feature("weakref-outputs", 17, "Function.outputs are weak references: no cycles"),
    _pin("intermediate-grads-kept", 7, 17, "backward keeps every intermediate gradient"),
    _feature("retain-grad", 18, "backward(retain_grad=False) frees intermediate gradients"),
    _feature("no-grad", 18, "Config.enable_backprop, using_config and no_grad()"),
    _feature("variable-properties", 19, "name, shape, ndim, size, dtype and len()"),
    _feature("variable-repr", 19, "repr and print show variable(...) with aligned rows"),
    _pin("no-operators", 1, 19, "Variables have no arithmetic operators"),
    _feature("mul-operator", 20, "Mul, mul; a * b + c on Variables"),
    _pin("no-float-operands", 20, 20, "an int, float or ndarray operand is rejected"),
    _feature("mixed-operands", 21, "ndarray, int and float operands on either side"),
    _pin("no-negation", 1, 21, "no -x, x - y, x / y or x ** c"),
    _feature("more-operators", 22, "Neg, Sub, Div, Pow with reflected forms"),
    _feature("package-layout", 23, "dezero is a package; core_simple; from dezero import"),
    _feature("setup-variable", 23, "setup_variable() installs the operators on Variable"),
    _pin("simple-core", 23, 31, "is_simple_core is True: dezero runs on core_simple"),
    _feature("complex-functions", 24, "sphere, matyas, Goldstein-Price gradients"),
    _feature("dot-graph", 26, "get_dot_graph: one DOT node per variable and function"),
    _feature("dot-render", 26, "plot_dot_graph draws with dot, else names graphviz"),
    _convention("utils-gradient-check", 26, "utils.gradient_check/numerical_grad take the "
                "book's calls: ndarray or Variable, f's *args/**kwargs, float64"),
    # Milestone 3 (제3고지): higher-order derivatives
    _feature("sin", 27, "Sin, sin; my_sin as a Taylor series at pi/4"),
    _feature("rosenbrock", 28, "Rosenbrock gradient at (0, 2); gradient descent"),
    _feature("newton-by-hand", 29, "Newton's method with f'' by hand: the book's iterates"),
    _pin("grad-is-array", 6, 31, "x.grad is an ndarray: no graph, no create_graph"),
    _feature("full-core", 32, "dezero.core (is_simple_core False); core_simple stays"),
    _feature("higher-order", 32, "x.grad is a Variable; backward(create_graph=True)"),
    _feature("second-derivatives", 32, "every op passes a numerical second-derivative check"),
    _feature("newton-auto", 33, "Newton's method with f'' by backprop: same iterates"),
    _feature("sin-cos-functions", 34, "dezero.functions: sin, cos and their n-th derivatives"),
    _feature("tanh", 35, "tanh and its n-th derivatives to n = 6"),
    _feature("double-backprop", 36, "z = gx ** 3 + y differentiated again: 100 at x = 2"),
    # Milestone 4 (제4고지): building neural networks
    _feature("reshape", 38, "F.reshape and x.reshape(*shape) / x.reshape(tuple)"),
    _feature("transpose", 38, "F.transpose(x, axes), x.transpose(*axes) and x.T"),
    _feature("sum", 39, "F.sum of all elements; every element's gradient is the sum's"),
    _pin("sum-grad-once", 39, 39, "a sum's gradient differentiates wrongly: (sum x)^2 gives 2v"),
    _feature("sum-axis", 39, "F.sum and x.sum along axes, with keepdims, as numpy"),
    _pin("broadcast-grad-shape", 13, 39, "(3,) + (1,) gives the (1,) input a (3,) gradient"),
    _feature("broadcast", 40, "broadcast_to, sum_to; + - * / broadcast, grads in input shape"),
    _feature("matmul", 41, "F.matmul, x.matmul(W), x.dot(W): matrix products and gradients"),
    _feature("mse", 42, "mean_squared_error(_simple): sum of squared differences over N"),
    _feature("linear-regression", 42, "gradient descent with matmul and MSE finds least squares"),
    _feature("linear", 43, "F.linear and F.linear_simple: x W + b, bias optional"),
    _feature("sigmoid", 43, "F.sigmoid and F.sigmoid_simple, finite for large |x|"),
    _feature("linear-frees", 43, "linear_simple frees the product x W once it is added to b"),
    _feature("nn-by-hand", 43, "a two-layer network trained by hand follows a numpy reference"),
    _pin("no-layers", 1, 43, "no Parameter, no layers: nothing collects parameters"),
    _feature("parameter", 44, "Parameter: a Variable a Layer tells apart"),
    _feature("layer", 44, "Layer collects Parameters set as attributes; params, cleargrads"),
    _feature("linear-layer", 44, "L.Linear: lazy in_size, W = randn * sqrt(1/in), b zeros"),
    _feature("float32-model", 44, "float32 data: float32 parameters, gradients and loss"),
    _feature("training-memory", 44, "after a training step the dropped loss frees its graph"),
    _feature("nested-layers", 45, "a Layer's Layers' Parameters are collected too"),
    _feature("model", 45, "Model.plot draws the graph; MLP(sizes, activation)"),
    _feature("optimizers", 46, "SGD and MomentumSGD: setup, update, add_hook"),
    _feature("adaptive-optimizers", 46, "AdaGrad, AdaDelta and Adam (bias-corrected)"),
    _pin("no-indexing", 1, 46, "indexing a Variable is a TypeError"),
    _feature("get-item", 47, "x[...] and F.get_item with gradient; repeated indices add"),
    _feature("log-clip", 47, "F.log and F.clip (gradient 1 inside the range, 0 outside)"),
    _feature("softmax", 47, "softmax(_simple) along an axis: rows sum to 1"),
    _feature("softmax-cross-entropy", 47, "softmax_cross_entropy(_simple): stable -mean log p[t]"),
    _feature("spiral", 48, "get_spiral / Spiral: 300 seeded points, 3 classes, float32"),
    _feature("spiral-training", 48, "an MLP learns the spiral: 90 % training accuracy"),
    _feature("dataset", 49, "Dataset and Spiral: indexing, len, transform, target_transform"),
    _feature("transforms", 49, "transforms: Compose, Normalize, Flatten, AsType/ToFloat/ToInt"),
    _feature("dataloader", 50, "DataLoader: ceil(N/batch) batches, reshuffled each epoch"),
    _feature("accuracy", 50, "F.accuracy: the share of rows whose argmax is the label"),
    _feature("relu", 51, "F.relu: max(0, x), gradient 1 where x > 0"),
    _feature("mnist", 51, "MNIST: download, cache, verify and parse IDX files"),
    # Milestone 5 (제5고지): DeZero's challenge
    _pin("no-cuda", 23, 51, "no dezero.cuda: Variables have no to_gpu or to_cpu"),
    _feature("cuda-cpu", 52, "dezero.cuda on the CPU: numpy everywhere, to_gpu refused clearly"),
    _feature("array-module", 52, "with a CuPy stand-in (tests only) arrays stay on their device"),
    _feature("gpu", 52, "with CuPy and a GPU: variables, layers, loaders compute as on the CPU"),
    _pin("no-weight-files", 44, 52, "a layer cannot save or load its weights"),
    _feature("save-load", 53, "save_weights/load_weights: npz keyed l0/W, never unpickled"),
    _convention("weights-checked", 53, "a bad weight file is refused, naming the parameter, "
                "and the model is left as it was"),
    _convention("atomic-save", 53, "an interrupted save leaves the old file, no temporary file"),
    _pin("no-test-mode", 18, 53, "Config has no train: no dropout, no test_mode()"),
    _feature("dropout", 54, "F.dropout: one rand mask per call, kept elements / (1 - ratio)"),
    _feature("test-mode", 54, "Config.train and test_mode(): dropout passes x through"),
    _feature("conv-outsize", 55, "utils.get_conv_outsize and utils.pair"),
    _pin("no-conv", 44, 56, "no convolution: no conv2d, pooling or L.Conv2d"),
    _feature("max-min", 57, "F.max, F.min, x.max(), x.min(): gradient to the extreme elements"),
    _feature("im2col", 57, "im2col/col2im: windows copied out, added back where they overlap"),
    _feature("conv2d", 57, "conv2d and conv2d_simple: each window times each filter, plus b"),
    _feature("deconv2d", 57, "deconv2d: the transposed convolution, conv2d's input gradient"),
    _feature("pooling", 57, "pooling (max), pooling_simple and average_pooling per window"),
    _feature("conv-layer", 57, "L.Conv2d: in_channels found at the first call"),
    _feature("vgg16", 58, "models.VGG16: the book's 13 conv and 3 fc layers, lazy weights"),
    _feature("pretrained-weights", 58, "VGG16(pretrained=True) downloads once, then loads"),
    _feature("vgg16-preprocess", 58, "VGG16.preprocess: a PIL image as BGR less the mean"),
    _pin("no-unchain", 1, 58, "no unchain_backward: a long sequence's graph cannot be cut"),
    _feature("rnn", 59, "L.RNN: h = tanh(x Wx + b + h Wh), reset_state; SimpleRNN on it"),
    _feature("unchain", 59, "unchain/unchain_backward: truncated BPTT frees the graph behind"),
    _feature("sin-curve", 59, "datasets.SinCurve: 999 noisy sine points, each labelled the next"),
    _feature("lstm", 60, "L.LSTM: gates f, i, o, u, cell c; the book's draws; reset_state"),
    _feature("seq-dataloader", 60, "SeqDataLoader: batch i of iteration t is (i len//B + t) % len"),
    _feature("log-softmax", FINAL, "F.log_softmax: x - logsumexp(x) along an axis"),
    _feature("leaky-relu", FINAL, "F.leaky_relu: x, or slope * x where x <= 0"),
    _extra("tensor-helpers", FINAL, "F.average (mean), F.expand_dims and F.flatten"),
    _extra("embed-id", FINAL, "F.embed_id and L.EmbedID: rows of W picked by integer ids"),
    _feature("batch-norm", FINAL, "F.batch_norm and L.BatchNorm: batch statistics, running means"),
    _feature("binary-cross-entropy", FINAL, "F.sigmoid_cross_entropy, F.binary_cross_entropy"),
    _feature("deconv-layer", FINAL, "L.Deconv2d: in_channels found at the first call"),
    _feature("sequential", FINAL, "models.Sequential: layers and functions applied in order"),
    _extra("resnet", FINAL, "models.ResNet50/101/152: bottleneck blocks with shortcuts"),
    _extra("optimizer-hooks", FINAL, "WeightDecay, ClipGrad and FreezeParam before each update"),
    _feature("pil-transforms", FINAL, "transforms on PIL images: Convert, Resize, CenterCrop, ..."),
    _convention("cifar", FINAL, "CIFAR10/100 from the binary archives: download, verify, parse"),
    _feature("shakespear", FINAL, "datasets.Shakespear: characters as ids, each labelled the next"),
    _feature("final-utils", FINAL, "utils: gradient_check with args, array_equal/allclose, ..."),
    _extra("book-program", FINAL, "a program written for the book's final package runs as is"),
    _extra("final-api", FINAL, "the released package's other names and defaults: __version__, "
           "x.matmaul, utils.max_backward_shape, cuda.Variable, Resize/ToInt defaults, ..."),
    _extra("npz-cache", FINAL, "datasets.save_cache_npz/load_cache_npz keep parsed arrays"),
    _extra("placeholders", FINAL, "SqueezeNet() and ImageNet() are made as the book's empty "
           "placeholders; using them says so"),
)

_BY_NAME = {cap.name: cap for cap in CAPABILITIES}
if len(_BY_NAME) != len(CAPABILITIES):  # pragma: no cover - guards the table itself
    raise RuntimeError("capability names must be unique")


def get(name: str) -> Capability:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(
            f"unknown capability {name!r}; add it to dezero_stages/capabilities.py"
        ) from None


def arriving_in(step: int) -> list[Capability]:
    return [cap for cap in CAPABILITIES if cap.step == step]
