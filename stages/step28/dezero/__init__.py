"""DeZero as it stands after step 28: Function optimisation.

The package does not change in this step. Its demo minimises the Rosenbrock
function by gradient descent: backprop gives the gradient, and each step
moves the inputs a little against it, updating their data in place.
"""

# The imports below make names public (dezero.Variable, ...); nothing in this
# file uses them, which is what the linter would otherwise complain about.
# ruff: noqa: F401

__step__ = 28

# Which core the package uses. Only the simple one exists so far; step 32
# adds dezero/core.py, which also supports higher-order derivatives.
is_simple_core = True

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

# Only after the core (hence the noqa): utils.py takes Variable and as_array
# from this package, so they must already be bound above.
from dezero.utils import numerical_diff, numerical_grad, gradient_check  # noqa: E402

# Until this runs, x * y on Variables raises TypeError.
setup_variable()
