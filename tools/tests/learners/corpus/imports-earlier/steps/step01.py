import numpy as np


class Variable:
    def __init__(self, data):
        self.data = data


x = Variable(np.array(1.0))
print("step01:", x.data)
