"""DeZero as it stands after step 01: Variable as a box.

A Variable is a box that holds data (a numpy array). Keeping the data in a
box of our own lets later steps attach more to it, such as a gradient.
"""

__step__ = 1


class Variable:
    """A box holding a piece of data."""

    def __init__(self, data):
        # Keep the very object we were given: no copy, so x.data is data.
        self.data = data
