import numpy as np


class Variable:
    def __init__(self, data):
        self.data = data  # the box just keeps whatever it is given


data = np.array(1.0)
x = Variable(data)
print(x.data)

x.data = np.array(2.0)
print(x.data)

# ndarray warm-up from the chapter
a = np.array([[1, 2, 3], [4, 5, 6]])
print(a.ndim)
