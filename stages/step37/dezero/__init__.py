"""DeZero as it stands after step 37: Working with tensors.

The package does not change in this step: every operation already works
element by element on arrays of any shape, since forward() hands whole
ndarrays to numpy and the seed gradient is ones_like(data). The book's
program for this step calls F.sum, which the package gains only in step 39,
so the demo defines that sum itself. Broadcasting between differently shaped
operands still gives gradients of the wrong shape; step 40 fixes that.
"""

# The imports below make names public (dezero.Variable, ...); nothing in this
# file uses them, which is what the linter would otherwise complain about.
# ruff: noqa: F401

__step__ = 37

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
    from dezero.core import as_array
    from dezero.core import as_variable
    from dezero.core import setup_variable

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

# Only after the core (hence the noqa): utils.py takes Variable and as_array
# from this package, so they must already be bound above.
from dezero.utils import numerical_diff, numerical_grad, gradient_check  # noqa: E402

# Until this runs, x * y on Variables raises TypeError.
setup_variable()
