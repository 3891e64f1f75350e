"""An independent PyTorch implementation of the Darknet cfg that hia generates, trained the way
hia trains: the same images (IDX files from `hia datasets splits`), optimizer and
hyperparameters, batch size and epochs, a fresh shuffle each epoch, PyTorch's own default
initialisation. Used by bench/fidelity.

The cfg subset: [net] (batch, optimizer, learning_rate, momentum, decay, B1, B2, rho, eps),
[convolutional] (filters, size, stride, pad, activation, batch_normalize), [maxpool] (size,
stride), [connected] (output, activation), [dropout] (probability), [softmax].

A run diverges, as in hia, only when the network can no longer compute: a batch loss that is
not finite, or weights that are not finite after an epoch. An image whose outputs are not all
finite gets the constant guess (the training split's most frequent class).
"""
import gzip
import math
import struct
import time

import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, kind, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 8:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    t = torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8)
    return t.reshape(shape)


def load_split(folder, name):
    """Images as float in [0,1], N x C x H x W, and labels."""
    import glob
    images = glob.glob(f"{folder}/{name}-images-idx*-ubyte")[0]
    x = read_idx(images).float() / 255
    if x.dim() == 3:
        x = x.unsqueeze(1)
    y = read_idx(f"{folder}/{name}-labels-idx1-ubyte").long()
    return x, y


def parse_cfg(text):
    sections = []
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        if line.startswith("["):
            sections.append((line.strip("[]"), {}))
        else:
            k, v = line.split("=", 1)
            sections[-1][1][k.strip()] = v.strip()
    return sections


def activation(name):
    if name == "relu":
        return nn.ReLU()
    if name == "leaky":
        return nn.LeakyReLU(0.1)  # Darknet's leaky slope
    if name == "elu":
        return nn.ELU()
    if name == "selu":
        return nn.SELU()
    if name == "tanh":
        return nn.Tanh()
    if name == "logistic":
        return nn.Sigmoid()
    if name == "linear":
        return nn.Identity()
    raise ValueError(f"activation {name} is not implemented here")


def build(sections, channels, height, width):
    """The model and the [net] options."""
    net = dict(sections[0][1])
    layers = []
    c, h, w = channels, height, width
    flat = None
    for kind, o in sections[1:]:
        if kind == "convolutional":
            size, stride = int(o["size"]), int(o.get("stride", 1))
            pad = size // 2 if int(o.get("pad", 0)) else 0
            bn = int(o.get("batch_normalize", 0))
            f = int(o["filters"])
            layers.append(nn.Conv2d(c, f, size, stride, pad, bias=not bn))
            if bn:
                layers.append(nn.BatchNorm2d(f))
            layers.append(activation(o.get("activation", "logistic")))
            c = f
            h = (h + 2 * pad - size) // stride + 1
            w = (w + 2 * pad - size) // stride + 1
        elif kind == "maxpool":
            size, stride = int(o.get("size", 2)), int(o.get("stride", 2))
            layers.append(nn.MaxPool2d(size, stride))
            h = (h - size) // stride + 1
            w = (w - size) // stride + 1
        elif kind == "connected":
            if flat is None:
                layers.append(nn.Flatten())
                flat = c * h * w
            out = int(o["output"])
            if int(o.get("batch_normalize", 0)):
                raise ValueError("batch-normalised dense layers are not implemented here")
            layers.append(nn.Linear(flat, out))
            layers.append(activation(o.get("activation", "logistic")))
            flat = out
        elif kind == "dropout":
            layers.append(nn.Dropout(float(o.get("probability", 0.5))))
        elif kind == "softmax":
            pass  # the loss takes the logits (log-softmax inside)
        else:
            raise ValueError(f"[{kind}] is not implemented here")
    return nn.Sequential(*layers), net


def optimizer(model, net):
    name = net.get("optimizer", "momentum")
    lr = float(net["learning_rate"])
    decay = float(net.get("decay", 0))
    eps = float(net.get("eps", 1e-7))
    p = model.parameters()
    if name == "sgd":
        return torch.optim.SGD(p, lr=lr, weight_decay=decay)
    if name == "momentum":
        return torch.optim.SGD(p, lr=lr, momentum=float(net.get("momentum", 0.9)),
                               weight_decay=decay)
    if name == "adam":
        return torch.optim.Adam(p, lr=lr, betas=(float(net.get("B1", 0.9)),
                                                 float(net.get("B2", 0.999))),
                                eps=eps, weight_decay=decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(p, lr=lr, alpha=float(net.get("rho", 0.9)), eps=eps,
                                   weight_decay=decay)
    if name == "adagrad":
        return torch.optim.Adagrad(p, lr=lr, eps=eps, weight_decay=decay)
    raise ValueError(f"optimizer {name}")


def finite(model):
    return all(torch.isfinite(q).all() for q in model.parameters())


def accuracy(model, x, y, constant, batch):
    model.eval()
    correct = 0
    with torch.no_grad():
        for s in range(0, len(x), batch):
            out = model(x[s:s + batch])
            pred = out.argmax(1)
            pred[~torch.isfinite(out).all(1)] = constant
            correct += (pred == y[s:s + batch]).sum().item()
    return correct / len(x)


def train(cfg_text, data, epochs, seed, threads=None):
    """Trains the cfg; returns (status, reason, val_accuracy, test_accuracy, epochs_done,
    train_seconds), the last the time of the training epochs alone, as hia's train_seconds."""
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    (xt, yt), (xv, yv), (xs, ys) = data
    model, net = build(parse_cfg(cfg_text), xt.shape[1], xt.shape[2], xt.shape[3])
    opt = optimizer(model, net)
    batch = int(net["batch"])
    constant = int(torch.bincount(yt).argmax())
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(seed)
    status, reason, done, val, seconds = "done", "", 0, float("nan"), 0.0
    for e in range(epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(xt), generator=gen)
        for b, s in enumerate(range(0, len(xt), batch)):
            idx = order[s:s + batch]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            if not math.isfinite(loss.item()):
                status = "diverged"
                reason = f"loss not finite in epoch {e + 1}, batch {b + 1}"
                break
            loss.backward()
            opt.step()
        seconds += time.perf_counter() - start
        if status == "done" and not finite(model):
            status, reason = "diverged", f"weights not finite after epoch {e + 1}"
        if status != "done":
            break
        done = e + 1
        val = accuracy(model, xv, yv, constant, batch)
    if status != "done" or done == 0:
        val = accuracy(model, xv, yv, constant, batch)
    test = accuracy(model, xs, ys, constant, batch)
    return status, reason, val, test, done, seconds
