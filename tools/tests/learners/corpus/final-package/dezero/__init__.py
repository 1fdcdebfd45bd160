"""DeZero: the package as it stands at the end of the book (step 60)."""

# The imports below make names public (dezero.Variable, ...); nothing in this
# file uses them, which is what the linter would otherwise complain about.
# ruff: noqa: F401

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
    from dezero.core import Config

# dezero.cuda: the core imports it, to know which arrays a Variable may hold.
import dezero.cuda  # noqa: E402
# Only after the core (hence the noqa): utils.py takes Variable and as_array
# from this package, so they must already be bound above.
import dezero.utils  # noqa: E402
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
__version__ = '0.0.13'
