from step02 import *


class Exp(Function):
    def forward(self, x):
        return np.exp(x)


x = Variable(np.array(0.5))
y = Square()(Exp()(Square()(x)))
print("step03:", y.data)
