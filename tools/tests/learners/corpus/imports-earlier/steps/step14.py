from steps.step13 import *

# Step 14 only changes Variable: a new backward that adds gradients up, and cleargrad.


def backward(self):
    if self.grad is None:
        self.grad = np.ones_like(self.data)

    funcs = [self.creator]
    while funcs:
        f = funcs.pop()
        gys = [output.grad for output in f.outputs]
        gxs = f.backward(*gys)
        if not isinstance(gxs, tuple):
            gxs = (gxs,)

        for x, gx in zip(f.inputs, gxs):
            if x.grad is None:
                x.grad = gx
            else:
                x.grad = x.grad + gx
            if x.creator is not None:
                funcs.append(x.creator)


def cleargrad(self):
    self.grad = None


Variable.backward = backward
Variable.cleargrad = cleargrad

x = Variable(np.array(3.0))
y = add(add(x, x), x)
y.backward()
print("step14:", x.grad)  # 3.0
