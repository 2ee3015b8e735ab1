# PyTorch autograd for the graphs of GradientOperatorTests: writes OUT/<case>_in<i>.npy (float32 inputs, seeded) and
# OUT/<case>_grad<i>.npy, the gradient of y.sum() with respect to each input (zeros where y does not depend on it).
#   /usr/bin/python3 gradients.py OUT
import sys

import numpy as np
import torch

out = sys.argv[1]
rng = np.random.default_rng(20261207)


def case(name, shapes, f, positive=False):
    arrays = [rng.uniform(0.2, 1.5, s) if positive else rng.uniform(-1.5, 1.5, s) for s in shapes]
    tensors = [torch.tensor(a.astype(np.float32), requires_grad=True) for a in arrays]
    y = f(*tensors)
    grads = torch.autograd.grad(y.sum(), tensors, allow_unused=True)
    for i, (t, g) in enumerate(zip(tensors, grads)):
        np.save(f"{out}/{name}_in{i}.npy", t.detach().numpy())
        np.save(f"{out}/{name}_grad{i}.npy", (torch.zeros_like(t) if g is None else g).numpy())


# y = Sigmoid(Relu(x @ w + b)): MatMul, a broadcast Add (b summed over the batch), Relu, Sigmoid.
case("mlp", [(2, 3), (3, 4), (4,)], lambda x, w, b: torch.sigmoid(torch.relu(x @ w + b)))
# y = -(Tanh(Exp(a * c) / Sqrt(a)) - Log(a)), c [1, 3] broadcast over a [2, 3]: Mul, Exp, Sqrt, Div, Tanh, Log, Sub, Neg.
case("elementwise", [(2, 3), (1, 3)], lambda a, c: -(torch.tanh(torch.exp(a * c) / torch.sqrt(a)) - torch.log(a)), positive=True)
# y = Gemm(Transpose(Reshape(p @ q, [4, 4])), k, cc, alpha=0.5, beta=2, transB=1): batched MatMul with a broadcast
# operand, Reshape, Transpose, Gemm.
case("layout", [(2, 2, 3), (3, 4), (2, 4), (2,)], lambda p, q, k, cc: 0.5 * (torch.matmul(p, q).reshape(4, 4).t() @ k.t()) + 2 * cc)
# y = (v @ m) @ u: 1-D operands on either side of MatMul.
case("vectors", [(3,), (3, 4), (4,)], lambda v, m, u: (v @ m) @ u)
# y = (x + x) * x, and z unused: gradients summed over the three uses of x, zeros for z.
case("shared", [(2, 2), (2, 2)], lambda x, z: (x + x) * x)
# y = mean((Softmax(l) - t)^2) - ReduceSum(LogSoftmax(l) * t, axis 1, keepdims): the losses' operators (Softmax,
# LogSoftmax, Pow by a constant, ReduceMean over all axes, ReduceSum over one).
case("losses", [(2, 4), (2, 4)], lambda l, t: ((torch.softmax(l, -1) - t) ** 2).mean() - (torch.log_softmax(l, -1) * t).sum(1, keepdim=True))
# y = LeakyRelu(a, 0.1) * |a| + 1 / (|a| + 1) + (|a| + 1)^e + float(double(a)), e [1, 3] broadcast: LeakyRelu, Abs,
# Reciprocal, Pow by a tensor (both operands), Cast.
case("activations", [(2, 3), (1, 3)], lambda a, e: torch.nn.functional.leaky_relu(a, 0.1) * a.abs() + 1 / (a.abs() + 1) + (a.abs() + 1) ** e + a.double().float())
