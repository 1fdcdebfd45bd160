"""DeZero as it stands after step 23: Packaging.

The one-module framework becomes a package, laid out as the book's: the code
of steps 1-22 moves to dezero/core_simple.py, and this file only chooses a
core, brings its names to the top level and installs the operators on
Variable. `from dezero import Variable` works as before, and so does every
name the earlier steps offered (dezero.square, dezero.gradient_check, ...).
"""

# The imports below make names public (dezero.Variable, ...); nothing in this
# file uses them, which is what the linter would otherwise complain about.
# ruff: noqa: F401

__step__ = 23

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
        numerical_diff, numerical_grad, gradient_check,
    )

# Until this runs, x * y on Variables raises TypeError.
setup_variable()
