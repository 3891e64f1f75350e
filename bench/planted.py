"""Planted-importance benchmark of hia's importance methods (bench/planted runs it).

Tables shaped like a study (the paper's 11 hyperparameters, per-layer ones as their mean over
the network's layers, one row per trial) whose target is a known function of the
hyperparameters plus seed-sized noise. The truth is each hyperparameter's first-order and
total share of the noise-free function's variance, by a large Monte Carlo (conditional
means for the first-order share, Jansen's estimator for the total). The function has the traits of real studies:
- batch_norm, two-valued, acts mostly through a "never learns" mode: a network whose learning
  rate is far from its optimizer's best (and deeper) sits at chance (0.1), 37% of the time
  without batch norm and 3% with it (a bimodal target);
- optimizer x learning_rate: each of the 5 optimizers has its own best rate on a log scale;
- conv_layers helps a network that learns and makes it likelier never to learn;
- epochs, dropout and batch_size have small effects;
- filters, kernel_size, activation and dense_units are irrelevant.
Every method setting of a grid ranks the hyperparameters of each table; the benchmark reports
Spearman's rho against the truth, the top-3 recovered, and whether every irrelevant
hyperparameter ranks below every relevant one."""
import csv
import json
import math
import os
import random
import subprocess

from rankstats import spearman

OPTIMIZERS = ["sgd", "momentum", "adam", "rmsprop", "adagrad"]
BEST_LOG_LR = {"sgd": -1.2, "momentum": -2.2, "adam": -3.1, "rmsprop": -3.4, "adagrad": -1.7}
NAMES = ["conv_layers", "filters", "kernel_size", "activation", "batch_norm", "dense_units",
         "dropout", "optimizer", "learning_rate", "batch_size", "epochs"]
IRRELEVANT = {"filters", "kernel_size", "activation", "dense_units"}
MAX_LAYERS = 5
CHANCE = 0.1


def draw(r):
    """One configuration: every hyperparameter drawn independently (per-layer ones for all 5
    layers, of which the first conv_layers exist), so the space is a product space."""
    return {
        "conv_layers": r.randint(1, MAX_LAYERS),
        "filters": [r.choice([16, 32, 64, 128]) for _ in range(MAX_LAYERS)],
        "kernel_size": [r.choice([3, 5, 7]) for _ in range(MAX_LAYERS)],
        "activation": r.choice(["relu", "leaky", "elu", "tanh"]),
        "batch_norm": r.choice([True, False]),
        "dense_units": r.randint(64, 512),
        "dropout": r.uniform(0, 0.5),
        "optimizer": r.choice(OPTIMIZERS),
        "learning_rate": 10 ** r.uniform(-4, -1),
        "batch_size": r.choice([16, 32, 64, 128, 256]),
        "epochs": r.randint(1, 10),
    }


def accuracy(c):
    """The noise-free target."""
    gap = abs(math.log10(c["learning_rate"]) - BEST_LOG_LR[c["optimizer"]])
    layers = c["conv_layers"] - 1
    if gap + 0.3 * layers > (3.2 if c["batch_norm"] else 1.8):
        return CHANCE  # never learns
    acc = 0.82 - 0.09 * min(gap, 2.0) ** 2 + 0.02 * layers
    acc += 0.15 * math.log10(c["epochs"]) - 0.8 * (c["dropout"] - 0.15) ** 2
    acc -= 0.025 * math.log2(c["batch_size"] / 16) - (0.01 if c["batch_norm"] else 0)
    return max(CHANCE, acc)


def first_order(configs, values, name):
    """Var(E[f | name]) / Var(f): exact groups for a discrete hyperparameter, 50 quantile bins
    of one with many values (binned on its order, so the learning rate's log alike)."""
    key = lambda c: c[name]
    if name in ("dropout", "learning_rate", "dense_units"):
        cuts = sorted(c[name] for c in configs)
        edges = [cuts[len(cuts) * k // 50] for k in range(1, 50)]
        key = lambda c: sum(c[name] >= e for e in edges)
    groups = {}
    for c, v in zip(configs, values):
        g = groups.setdefault(key(c), [0.0, 0])
        g[0] += v
        g[1] += 1
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / n
    between = sum(g[1] * (g[0] / g[1] - mean) ** 2 for g in groups.values()) / n
    return between / var


def truth(samples, seed=12345):
    """First-order and total variance shares of each hyperparameter of the noise-free
    function: first-order by conditioning on `samples` configurations, total by Jansen's
    estimator from as many pairs of independent configurations."""
    r = random.Random(seed)
    a = [draw(r) for _ in range(samples)]
    b = [draw(r) for _ in range(samples)]
    fa = [accuracy(c) for c in a]
    mean = sum(fa) / samples
    var = sum((v - mean) ** 2 for v in fa) / samples
    first, total = {}, {}
    for name in NAMES:
        # the function never reads an irrelevant one: its share is 0 (its total is, below)
        first[name] = 0.0 if name in IRRELEVANT else first_order(a, fa, name)
        st = 0.0
        for i in range(samples):
            mixed = dict(a[i])
            mixed[name] = b[i][name]
            st += (fa[i] - accuracy(mixed)) ** 2
        total[name] = st / (2 * samples) / var
    return first, total


def write_table(path, n, seed, noise):
    """n trials as a CSV table, accuracy = the function plus N(0, noise) for networks that
    learn (those at chance stay there, as real ones do)."""
    r = random.Random(seed)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(NAMES + ["accuracy"])
        for _ in range(n):
            c = draw(r)
            y = accuracy(c)
            if y > CHANCE:
                y = min(1.0, max(0.0, y + r.gauss(0, noise)))
            layers = c["conv_layers"]
            row = []
            for name in NAMES:
                v = c[name]
                if isinstance(v, list):
                    v = sum(v[:layers]) / layers
                elif isinstance(v, bool):
                    v = "true" if v else "false"
                row.append(v)
            w.writerow(row + [f"{y:.4f}"])


def analyze(hia, table, args):
    """hia's importances of the table's hyperparameters: {name: importance}."""
    method = "fanova" if args and args[0] == "fanova" else "nrrelieff"
    cmd = [hia, "analyze", table, "--method", method, "--json", "--log", "learning_rate"]
    if method == "nrrelieff":
        cmd += ["--bootstrap", "0"] + list(args)
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    key = "main" if method == "fanova" else "hyperparameters"
    return {h["name"]: h["importance"] for h in out[method][key]}


def score(importance, first):
    """Spearman with the truth, the share of the true top 3 in the top 3, whether every
    irrelevant ranks below every relevant one, and the strong effects (first-order share
    >= 0.05) that got no weight or rank at or below an irrelevant one."""
    names = list(first)
    rho = spearman([importance[n] for n in names], [first[n] for n in names])
    top = lambda d: set(sorted(names, key=lambda n: -d[n])[:3])
    relevant = [n for n in names if n not in IRRELEVANT]
    worst_relevant = min(importance[n] for n in relevant)
    best_irrelevant = max(importance[n] for n in IRRELEVANT)
    strong = [n for n in names if first[n] >= 0.05]
    return {
        "rho": rho,
        "top3": len(top(importance) & top(first)) / 3,
        "separated": worst_relevant > best_irrelevant,
        "strong_zero": [n for n in strong if importance[n] <= 0],
        "strong_below": [n for n in strong if importance[n] <= best_irrelevant],
    }


def tables(folder, sizes, seeds):
    """(n, seed, noise, path) of each table, written into folder."""
    out = []
    for n in sizes:
        for s in range(seeds):
            noise = (0.02, 0.035, 0.05)[s % 3]
            path = os.path.join(folder, f"planted-{n}-{s}.csv")
            write_table(path, n, 1000 * n + s, noise)
            out.append((n, s, noise, path))
    return out
