"""DeZero as it stands after step 26: Visualising the graph (2).

Adds dezero/utils.py. get_dot_graph() turns a computational graph into
text in graphviz's DOT language, one node per variable and per function, and
plot_dot_graph() has graphviz's `dot` program draw it as a picture. The
numerical checks move to utils.py too, out of the core.
"""

# The imports below make names public (dezero.Variable, ...); nothing in this
# file uses them, which is what the linter would otherwise complain about.
# ruff: noqa: F401

__step__ = 26

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

# Only after the core (hence the noqa): utils.py takes Variable and as_array
# from this package, so they must already be bound above.
from dezero.utils import numerical_diff, numerical_grad, gradient_check  # noqa: E402

# Until this runs, x * y on Variables raises TypeError.
setup_variable()
