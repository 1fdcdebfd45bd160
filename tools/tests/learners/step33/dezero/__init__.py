# ruff: noqa: F401, I001  (the book's __init__.py: one re-export per line, chosen by is_simple_core)
# A learner's dezero package as the book's step 33 program imports it: the package of step
# 23, the graph drawing of step 26 (dezero/utils.py) and the higher-order core of step 32.
# Flip the switch to go back to the first-derivative core of steps 23-31.
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
    from dezero.core import as_array
    from dezero.core import as_variable
    from dezero.core import setup_variable

setup_variable()
