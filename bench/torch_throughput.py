"""PyTorch's side of bench/train_throughput: the same network as hia's netgen builds (same
padding, relu, 2x2 max-pools, batch norm on convs, dense, dropout, dense per class, softmax
cross-entropy), adam, on the first IMAGES Fashion-MNIST training images; prints the images/s
of the second of two epochs. `flops ...` prints the multiply-adds x 2 of one training image
(forward x 3, the usual estimate of forward + backward)."""
import gzip, struct, sys, time

def layers(convs, filters, kernel, bn, pool_every):
    side, c, out = 28, 1, []
    for i, f in enumerate(filters):
        out.append(("conv", c, f, kernel, side, bn))
        c = f
        if (i + 1) % pool_every == 0 and side >= 4:
            out.append(("pool", side))
            side //= 2
    return out, c * side * side

def parse(args):
    convs, filters, kernel, bn, pool_every, dense, dropout, batch = args
    return (int(convs), [int(x) for x in filters.split(",")], int(kernel), bn == "true",
            int(pool_every), int(dense), float(dropout), int(batch))

def flops(args):
    convs, filters, kernel, bn, pool_every, dense, dropout, batch = parse(args)
    ls, flat = layers(convs, filters, kernel, bn, pool_every)
    f = sum(2 * l[1] * l[2] * l[3] * l[3] * l[4] * l[4] for l in ls if l[0] == "conv")
    f += 2 * (flat * dense + dense * 10)
    print(3 * f)

def main():
    import torch, torch.nn as nn
    threads, images = int(sys.argv[1]), int(sys.argv[2])
    convs, filters, kernel, bn, pool_every, dense, dropout, batch = parse(sys.argv[3:])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
        f.read(16)
        x = torch.frombuffer(bytearray(f.read(images * 784)), dtype=torch.uint8)
    with gzip.open("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz") as f:
        f.read(8)
        y = torch.frombuffer(bytearray(f.read(images)), dtype=torch.uint8).long()
    x = x.float().div(255).view(images, 1, 28, 28)
    ls, flat = layers(convs, filters, kernel, bn, pool_every)
    mods = []
    for l in ls:
        if l[0] == "conv":
            mods.append(nn.Conv2d(l[1], l[2], l[3], padding=l[3] // 2, bias=not bn))
            if bn:
                mods.append(nn.BatchNorm2d(l[2]))
            mods.append(nn.ReLU())
        else:
            mods.append(nn.MaxPool2d(2))
    mods += [nn.Flatten(), nn.Linear(flat, dense), nn.ReLU()]
    if dropout > 0:
        mods.append(nn.Dropout(dropout))
    mods.append(nn.Linear(dense, 10))
    net = nn.Sequential(*mods)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    loss = nn.CrossEntropyLoss()
    for epoch in range(2):
        perm = torch.randperm(images)
        t = time.perf_counter()
        for i in range(0, images, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss(net(x[idx]), y[idx]).backward()
            opt.step()
        seconds = time.perf_counter() - t
    print("%.1f" % (images / seconds))

if __name__ == "__main__":
    if sys.argv[1] == "flops":
        flops(sys.argv[2:])
    else:
        main()
