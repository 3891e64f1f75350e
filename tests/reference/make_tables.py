"""Writes the tables the conformance tests use (deterministic): hyperparameter-like columns on
grids (many ties), categoricals, a log-scaled rate, and an accuracy that depends on some of
them. Run by tests/reference/record.sh."""
import math
import random
import sys

def write(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")

def grid(seed, n):
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        layers = rnd.randint(1, 5)
        lr = rnd.choice([1e-4, 1e-3, 1e-2, 1e-1])
        dropout = rnd.choice([0.0, 0.25, 0.5])
        batch = rnd.choice([16, 32, 64, 128])
        opt = rnd.choice(["sgd", "adam", "rmsprop"])
        acc = 0.5 + 0.08 * layers - 0.1 * abs(math.log10(lr) + 2.5) - 0.1 * dropout
        acc += 0.05 * (opt == "adam") + rnd.choice([0.0, 0.01, 0.02])
        rows.append([layers, lr, dropout, batch, opt, round(acc, 2)])
    return ["conv_layers", "learning_rate", "dropout", "batch_size", "optimizer", "accuracy"], rows

def continuous(seed, n):
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        lr = 10 ** rnd.uniform(-4, -1)
        dropout = rnd.uniform(0, 0.5)
        units = rnd.randint(16, 512)
        act = rnd.choice(["relu", "tanh", "elu", "leaky"])
        noise = rnd.gauss(0, 0.02)
        acc = 0.9 - 0.05 * (math.log10(lr) + 2) ** 2 - 0.2 * dropout ** 2 + noise
        acc += 0.03 * (act == "relu") + 0.00002 * units
        rows.append([repr(lr), repr(dropout), units, act, repr(acc)])
    return ["learning_rate", "dropout", "dense_units", "activation", "accuracy"], rows

def icc_tables(out):
    # Shrout & Fleiss (1979), table 2: 6 targets x 4 judges
    sf = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    write(out + "/shrout_fleiss.csv", ["target", "j1", "j2", "j3", "j4"],
          [["t%d" % (i + 1)] + r for i, r in enumerate(sf)])
    # importances of 11 hyperparameters over 10 subsamples: strong agreement
    rnd = random.Random(5)
    base = [0.385, 0.228, 0.131, 0.042, 0.042, 0.05, 0.03, 0.03, 0.025, 0.02, 0.017]
    rows = []
    for i, b in enumerate(base):
        rows.append(["h%d" % (i + 1)] + [repr(max(0.0, b + rnd.gauss(0, 0.01))) for _ in range(10)])
    write(out + "/subsamples.csv", ["name"] + ["s%d" % (j + 1) for j in range(10)], rows)
    # weak agreement: 8 targets x 3 raters of noise
    rows = [["r%d" % (i + 1)] + [repr(rnd.random()) for _ in range(3)] for i in range(8)]
    write(out + "/noise.csv", ["name", "a", "b", "c"], rows)


def agreement_tables(out):
    # pairs of importance vectors: with ties, without, reversed
    rnd = random.Random(9)
    a = [round(rnd.random(), 2) for _ in range(11)]
    b = [round(v + rnd.gauss(0, 0.1), 2) for v in a]
    c = [0.3, 0.3, 0.1, 0.1, 0.1, 0.05, 0.05, 0.0, 0.0, 0.0, 0.0]
    d = [0.25, 0.35, 0.1, 0.05, 0.1, 0.05, 0.1, 0.0, 0.0, 0.0, 0.0]
    e = list(reversed(a))
    write(out + "/vectors.csv", ["a", "b", "c", "d", "e"], list(zip(a, b, c, d, e)))


if __name__ == "__main__":
    out = sys.argv[1]
    write(out + "/grid.csv", *grid(1, 80))
    write(out + "/continuous.csv", *continuous(2, 150))
    write(out + "/small.csv", *grid(3, 12))
    icc_tables(sys.argv[2])
    agreement_tables(sys.argv[3])
