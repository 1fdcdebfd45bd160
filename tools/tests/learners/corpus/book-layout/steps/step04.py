import matplotlib.pyplot as plt
import numpy as np


class Variable:
    def __init__(self, data):
        self.data = data


class Function:
    def __call__(self, input):
        x = input.data
        y = self.forward(x)
        output = Variable(y)
        return output

    def forward(self, x):
        raise NotImplementedError()


class Square(Function):
    def forward(self, x):
        return x ** 2


class Exp(Function):
    def forward(self, x):
        return np.exp(x)


def numerical_diff(f, x, eps=1e-4):
    # central difference: (f(x+h) - f(x-h)) / 2h
    x0 = Variable(x.data - eps)
    x1 = Variable(x.data + eps)
    y0 = f(x0)
    y1 = f(x1)
    return (y1.data - y0.data) / (2 * eps)


f = Square()
x = Variable(np.array(2.0))
dy = numerical_diff(f, x)
print(dy)  # 4.000000000004


def f(x):
    A = Square()
    B = Exp()
    C = Square()
    return C(B(A(x)))


x = Variable(np.array(0.5))
dy = numerical_diff(f, x)
print(dy)  # 3.2974426293330694

# my own check: plot the numerical derivative of x^2 next to 2x
xs = np.linspace(-2, 2, 21)
ds = [numerical_diff(Square(), Variable(np.array(v))) for v in xs]
plt.plot(xs, ds, "o", label="numerical_diff")
plt.plot(xs, 2 * xs, label="2x")
plt.legend()
plt.show()
