"""Optimizers: rules that update a model's parameters from their gradients.

optimizer = SGD(lr).setup(model), then after each loss.backward(),
optimizer.update() moves every parameter that has a gradient. Each rule
(SGD, MomentumSGD, AdaGrad, AdaDelta, Adam) only says how one parameter is
moved: update_one(param). The state a rule keeps per parameter (velocity,
averages) is made with the parameter's own module, numpy or CuPy, so that
it lives on the same device. Step 60 adds the book's hooks, run on the
parameters before each update: WeightDecay, ClipGrad and FreezeParam.
"""

import math

from dezero import cuda
from dezero.core import Parameter


class Optimizer:
    """Base class: finds the parameters to update; subclasses move each one."""

    def __init__(self):
        # The Model (or Layer) whose parameters are updated; set by setup().
        self.target = None
        # Functions run on the list of parameters before each update, e.g.
        # to add weight decay or clip gradients.
        self.hooks = []

    def setup(self, target):
        """Update target's parameters from now on. Returns self, so that
        optimizer = SGD().setup(model) fits on one line."""
        self.target = target
        return self

    def update(self):
        """Move every parameter that received a gradient in the last backward."""
        # as the book: update-before-setup (no check that setup() set a target)
        # A parameter the loss did not depend on has no gradient: skip it.
        params = [p for p in self.target.params() if p.grad is not None]

        for f in self.hooks:
            f(params)

        for param in params:
            # as the book: freeze-param-order (the list was made before the
            # hooks ran, so a parameter FreezeParam took the gradient from is
            # still in it)
            self.update_one(param)

    def update_one(self, param):
        # Every concrete optimizer must say how it moves one parameter.
        raise NotImplementedError(
            f"{type(self).__name__}.update_one is not implemented")

    def add_hook(self, f):
        """Run f(params) before each update, on the parameters to update."""
        self.hooks.append(f)


# --- Hooks: optimizer.add_hook(WeightDecay(1e-4)) -----------------------------


class WeightDecay:
    """Add rate * p to each gradient: the gradient of rate/2 * sum(p ** 2),
    which pulls the weights toward zero (L2 regularisation)."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, params):
        for param in params:
            param.grad.data += self.rate * param.data


class ClipGrad:
    """Scale all gradients down together when their overall norm exceeds
    max_norm, so that one exploding step (as RNNs have) cannot throw the
    weights far off."""

    def __init__(self, max_norm):
        self.max_norm = max_norm

    def __call__(self, params):
        total_norm = 0
        for param in params:
            total_norm += (param.grad.data ** 2).sum()
        # float() brings a GPU number to the CPU.
        total_norm = math.sqrt(float(total_norm))

        rate = self.max_norm / (total_norm + 1e-6)
        if rate < 1:
            for param in params:
                param.grad.data *= rate


class FreezeParam:
    """Keep the given layers' (or parameters') weights as they are: their
    gradients are dropped before each update, e.g. to train only the last
    layer of a pretrained network."""

    def __init__(self, *layers):
        self.freeze_params = []
        for layer in layers:
            if isinstance(layer, Parameter):
                self.freeze_params.append(layer)
            else:
                self.freeze_params.extend(layer.params())

    def __call__(self, params):
        for p in self.freeze_params:
            p.grad = None


class SGD(Optimizer):
    """Stochastic gradient descent: p <- p - lr * grad."""

    def __init__(self, lr=0.01):
        super().__init__()
        self.lr = lr

    def update_one(self, param):
        # In place (-=): param.data keeps its dtype and stays the same array.
        param.data -= self.lr * param.grad.data


class MomentumSGD(Optimizer):
    """SGD with momentum: v <- momentum * v - lr * grad; p <- p + v.

    v, the velocity, remembers past steps, so that the parameter keeps
    moving in a consistent direction and damps back-and-forth steps.
    """

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__()
        self.lr = lr
        self.momentum = momentum
        # One velocity per parameter, keyed by the parameter's id().
        self.vs = {}

    def update_one(self, param):
        key = id(param)
        if key not in self.vs:
            # At rest before the first step.
            # Where the parameter is: numpy on the CPU, cupy on the GPU.
            xp = cuda.get_array_module(param.data)
            self.vs[key] = xp.zeros_like(param.data)

        v = self.vs[key]
        v *= self.momentum
        v -= self.lr * param.grad.data
        param.data += v


class AdaGrad(Optimizer):
    """Per-element learning rates: lr / sqrt(sum of past squared gradients).

    Elements that have moved a lot take smaller steps from then on.
    """

    def __init__(self, lr=0.001, eps=1e-8):
        super().__init__()
        self.lr = lr
        # Keeps the division finite while the sum is still zero.
        self.eps = eps
        # Sum of squared gradients, one array per parameter (by id).
        self.hs = {}

    def update_one(self, param):
        xp = cuda.get_array_module(param.data)
        key = id(param)
        if key not in self.hs:
            self.hs[key] = xp.zeros_like(param.data)

        h = self.hs[key]
        grad = param.grad.data
        h += grad * grad
        param.data -= self.lr * grad / (xp.sqrt(h) + self.eps)


class AdaDelta(Optimizer):
    """AdaGrad's idea with decaying averages and no learning rate to choose.

    The step is grad scaled by RMS(past steps) / RMS(past gradients), both
    averages decaying by rho, so that the step has the parameter's units.
    """

    def __init__(self, rho=0.95, eps=1e-6):
        super().__init__()
        self.rho = rho
        self.eps = eps
        # Decaying averages of squared gradients and of squared steps.
        self.msg = {}
        self.msdx = {}

    def update_one(self, param):
        xp = cuda.get_array_module(param.data)
        key = id(param)
        if key not in self.msg:
            self.msg[key] = xp.zeros_like(param.data)
            self.msdx[key] = xp.zeros_like(param.data)

        msg, msdx = self.msg[key], self.msdx[key]
        rho, eps = self.rho, self.eps
        grad = param.grad.data

        msg *= rho
        msg += (1 - rho) * grad * grad
        dx = xp.sqrt((msdx + eps) / (msg + eps)) * grad
        msdx *= rho
        msdx += (1 - rho) * dx * dx
        param.data -= dx


class Adam(Optimizer):
    """Momentum and per-element rates together, with a bias correction.

    m and v are decaying averages of the gradient and of its square. Both
    start at zero, so early on they are too small; the step size lr makes up
    for that: alpha * sqrt(1 - beta2 ** t) / (1 - beta1 ** t) after t updates.
    """

    def __init__(self, alpha=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__()
        # How many updates have been made: the bias correction depends on it.
        self.t = 0
        self.alpha = alpha
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.ms = {}
        self.vs = {}

    def update(self, *args, **kwargs):
        # t counts updates, not parameters: advance it once per update().
        # Whatever update is given goes on to Optimizer.update, as the book's
        # Adam.update(*args, **kwargs) passes it, so both take the same calls.
        self.t += 1
        super().update(*args, **kwargs)

    @property
    def lr(self):
        """The bias-corrected step size for the current update."""
        fix1 = 1.0 - math.pow(self.beta1, self.t)
        fix2 = 1.0 - math.pow(self.beta2, self.t)
        return self.alpha * math.sqrt(fix2) / fix1

    def update_one(self, param):
        xp = cuda.get_array_module(param.data)
        key = id(param)
        if key not in self.ms:
            self.ms[key] = xp.zeros_like(param.data)
            self.vs[key] = xp.zeros_like(param.data)

        m, v = self.ms[key], self.vs[key]
        beta1, beta2 = self.beta1, self.beta2
        grad = param.grad.data

        # m <- beta1 * m + (1 - beta1) * grad, written as a step toward grad.
        m += (1 - beta1) * (grad - m)
        v += (1 - beta2) * (grad * grad - v)
        param.data -= self.lr * m / (xp.sqrt(v) + self.eps)
