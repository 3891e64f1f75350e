"""Records what PyTorch computes for one small network, to compare hia's Darknet with
(tests/test_torch_step.c): the network of net.cfg with the weights both sides derive from the
formulas below, one batch, and for each optimizer the mean loss, every parameter's gradient
before the first step, and every parameter after two steps on that batch. Float64, so the
recorded numbers are PyTorch's mathematics without float32's rounding.
Run with Debian's python3 (python3-torch): python3 record.py > steps.txt"""
import math
import os

import torch
from torch import nn

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
BATCH, C, H, W, CLASSES = 4, 1, 6, 6, 3
RATES = {"sgd": 0.1, "momentum": 0.05, "adam": 0.01, "rmsprop": 0.01, "adagrad": 0.05}


def value(kind, layer, i):
    """The formulas, in Darknet's storage order (weights: filter-major OIHW; dense: out x in)."""
    if kind == "weights":
        return 0.4 * math.sin(0.7 * i + 1.3 * layer)
    if kind == "biases":
        return 0.05 * math.cos(i + layer)
    return 1 + 0.1 * math.sin(i + 2 * layer)  # batch-norm scales


def model():
    conv = nn.Conv2d(C, 4, 3, 1, 1, bias=False)
    bn = nn.BatchNorm2d(4)
    dense = nn.Linear(4 * 3 * 3, 5)
    out = nn.Linear(5, CLASSES)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([value("weights", 0, i) for i in range(conv.weight.numel())]).reshape(conv.weight.shape))
        bn.bias.copy_(torch.tensor([value("biases", 0, i) for i in range(4)]))
        bn.weight.copy_(torch.tensor([value("scales", 0, i) for i in range(4)]))
        for layer, lin in ((2, dense), (3, out)):
            lin.weight.copy_(torch.tensor([value("weights", layer, i) for i in range(lin.weight.numel())]).reshape(lin.weight.shape))
            lin.bias.copy_(torch.tensor([value("biases", layer, i) for i in range(lin.bias.numel())]))
    net = nn.Sequential(conv, bn, nn.Tanh(), nn.MaxPool2d(2, 2), nn.Flatten(), dense, nn.ELU(), out)
    # parameters in the order test_torch_step.c reads them: per layer weights, biases, scales
    named = [("0 weights", conv.weight), ("0 biases", bn.bias), ("0 scales", bn.weight),
             ("2 weights", dense.weight), ("2 biases", dense.bias),
             ("3 weights", out.weight), ("3 biases", out.bias)]
    return net, named


def batch():
    x = torch.tensor([0.5 + 0.5 * math.sin(1.3 * i) for i in range(BATCH * C * H * W)])
    return x.reshape(BATCH, C, H, W), torch.tensor([b % CLASSES for b in range(BATCH)])


def optimizer(name, params):
    lr = RATES[name]
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-7)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7)
    return torch.optim.Adagrad(params, lr=lr, eps=1e-7)


def line(tag, t):
    print(tag, " ".join(f"{v:.12e}" for v in t.detach().flatten().tolist()))


def main():
    x, y = batch()
    for name in RATES:
        net, named = model()
        opt = optimizer(name, [p for _, p in named])
        for step in (1, 2):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(x), y)
            loss.backward()
            if step == 1:
                print(f"optimizer {name} {RATES[name]}")
                print(f"loss {loss.item():.12e}")
                for tag, p in named:
                    line(f"gradient {tag}", p.grad)
            opt.step()
        for tag, p in named:
            line(f"after {tag}", p)


main()
