"""DeZero as the book releases it: dezero 0.0.13, the stage after step 60.

Everything the 60 steps build, plus what the book's package has that its
steps never show: the functions log_softmax, leaky_relu, batch_norm (the
book's batch_nrom too), embed_id, sigmoid_cross_entropy,
binary_cross_entropy, average, expand_dims and flatten; the layers
Deconv2d, EmbedID and BatchNorm; the models Sequential and
ResNet50/101/152; the optimizer hooks WeightDecay, ClipGrad and
FreezeParam; the transforms for PIL images; the data sets CIFAR10,
CIFAR100 and Shakespear; and utils.array_equal, array_allclose and
show_progress. A program written for the book's `dezero` runs on it as is.
"""

# The imports below make names public (dezero.Variable, ...); nothing in this
# file uses them, which is what the linter would otherwise complain about.
# ruff: noqa: F401

__step__ = "final"
__version__ = "0.0.13"  # the release of the book's package this stage follows

# Which core the package uses: core.py, whose gradients can be differentiated
# again, rather than core_simple.py, which stops at first derivatives.
is_simple_core = False

if is_simple_core:
    from dezero.core_simple import Variable
    from dezero.core_simple import Function
    from dezero.core_simple import using_config
    from dezero.core_simple import no_grad
    from dezero.core_simple import as_array
    from dezero.core_simple import as_variable
    from dezero.core_simple import setup_variable

    # The rest of what steps 1-22 offered at the top level, kept importable
    # so that their programs run unchanged.
    from dezero.core_simple import (
        Config, Square, Exp, Add, Mul, Neg, Sub, Div, Pow,
        square, exp, add, mul, neg, sub, rsub, div, rdiv, pow,
    )
    from dezero.core_simple import Sin, sin
else:
    from dezero.core import Variable
    from dezero.core import Function
    from dezero.core import using_config
    from dezero.core import no_grad
    from dezero.core import test_mode
    from dezero.core import as_array
    from dezero.core import as_variable
    from dezero.core import setup_variable
    from dezero.core import Parameter

    # The rest of what steps 1-31 offered at the top level, kept importable
    # so that their programs run unchanged.
    from dezero.core import (
        Config, Add, Mul, Neg, Sub, Div, Pow,
        add, mul, neg, sub, rsub, div, rdiv, pow,
    )
    # These now live in dezero/functions.py, where the book's programs take
    # them from (F.sin(x)); kept here too for the earlier steps' programs.
    from dezero.functions import Square, Exp, Sin, Cos
    from dezero.functions import square, exp, sin, cos

# dezero.cuda: the core imports it, to know which arrays a Variable may hold.
import dezero.cuda  # noqa: E402
# Only after the core (hence the noqa): utils.py takes Variable and as_array
# from this package, so they must already be bound above.
from dezero.utils import numerical_diff, numerical_grad, gradient_check  # noqa: E402
# The layers are built on the core's Parameter and on dezero.functions, so
# they come after both; the models are built on the layers.
import dezero.layers  # noqa: E402
import dezero.models  # noqa: E402
import dezero.optimizers  # noqa: E402
import dezero.transforms  # noqa: E402
import dezero.datasets  # noqa: E402
from dezero.datasets import Dataset  # noqa: E402
import dezero.dataloaders  # noqa: E402
from dezero.dataloaders import DataLoader  # noqa: E402
from dezero.dataloaders import SeqDataLoader  # noqa: E402
from dezero.layers import Layer  # noqa: E402
from dezero.models import Model  # noqa: E402

# Until this runs, x * y on Variables raises TypeError.
setup_variable()
