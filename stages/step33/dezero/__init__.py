"""DeZero as it stands after step 33: Newton's method, automatic.

The package does not change in this step. Its demo runs Newton's method
again, now with the second derivative from backprop too: backward with
create_graph=True gives f'(x) as a Variable whose own backward gives f''(x).
"""

# The imports below make names public (dezero.Variable, ...); nothing in this
# file uses them, which is what the linter would otherwise complain about.
# ruff: noqa: F401

__step__ = 33

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
        Config, Square, Exp, Add, Mul, Neg, Sub, Div, Pow,
        square, exp, add, mul, neg, sub, rsub, div, rdiv, pow,
    )
    from dezero.core import Sin, sin, Cos, cos

# Only after the core (hence the noqa): utils.py takes Variable and as_array
# from this package, so they must already be bound above.
from dezero.utils import numerical_diff, numerical_grad, gradient_check  # noqa: E402

# Until this runs, x * y on Variables raises TypeError.
setup_variable()
