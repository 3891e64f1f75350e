"""bench/fidelity's comparison: each trial of a finished hia sweep (its net.cfg kept) trained
again by bench/darknet_torch.py on the same images, twice (PyTorch seeds 1 and 2: the second
against the first is the noise floor); prints a row per configuration, then Spearman's rho, the
mean |difference| of test accuracy, the false divergences and each side's share of diverged
trials, for hia against PyTorch and for PyTorch against itself.
usage: fidelity.py EXPORT.json MODELS_DIR DATA_DIR THREADS"""
import json
import sys

import darknet_torch as dt
from rankstats import spearman


def compare(name, a, b):
    """a against the reference b: each a list of (status, test_accuracy)."""
    acc_a, acc_b = [x[1] for x in a], [x[1] for x in b]
    diff = sum(abs(x - y) for x, y in zip(acc_a, acc_b)) / len(a)
    false = sum(1 for x, y in zip(a, b)
                if y[1] >= 0.5 and (x[0] == "diverged" or x[1] <= y[1] - 0.15))
    div_a = 100 * sum(x[0] == "diverged" for x in a) / len(a)
    div_b = 100 * sum(x[0] == "diverged" for x in b) / len(b)
    print(f"{name:<22} rho {spearman(acc_a, acc_b):6.3f}   mean |diff| {diff:6.4f}   "
          f"false divergences {false:2d}   diverged {div_a:5.1f}% vs {div_b:5.1f}%")
    return spearman(acc_a, acc_b), diff, false, div_a - div_b


def main():
    export, models, data_dir, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    trials = json.load(open(export))
    data = [dt.load_split(data_dir, s) for s in ("train", "validation", "test")]
    hia, torch1, torch2 = [], [], []
    print(f"{'trial':>5} {'optimizer':<9} {'act':<6} {'lr':>9} {'ep':>3}   "
          f"{'hia':>6} {'status':<9} {'torch':>6} {'status':<9} {'torch2':>6} {'status':<9}")
    for t in trials:
        if t["status"] not in ("done", "diverged"):
            print(f"{t['id']:>5} left out: hia's trial {t['status']}: {t['reason']}")
            continue
        cfg = open(f"{models}/{t['id']}/net.cfg").read()
        p = t["params"]
        epochs = int(p["epochs"])
        r1 = dt.train(cfg, data, epochs, seed=1, threads=threads)
        r2 = dt.train(cfg, data, epochs, seed=2, threads=threads)
        hia.append((t["status"], float(t["test_accuracy"])))
        torch1.append((r1[0], r1[3]))
        torch2.append((r2[0], r2[3]))
        print(f"{t['id']:>5} {p['optimizer']:<9} {p['activation']:<6} "
              f"{float(p['learning_rate']):>9.2e} {epochs:>3}   {hia[-1][1]:6.4f} "
              f"{hia[-1][0]:<9} {r1[3]:6.4f} {r1[0]:<9} {r2[3]:6.4f} {r2[0]:<9}", flush=True)
    print()
    rho, diff, false, extra = compare("hia vs PyTorch", hia, torch1)
    compare("PyTorch vs PyTorch", torch2, torch1)
    ok = rho >= 0.85 and diff <= 0.05 and false == 0 and extra <= 3
    print(f"targets (rho >= 0.85, mean |diff| <= 0.05, no false divergence, diverged share at "
          f"most 3 points above PyTorch's): {'met' if ok else 'not met'}")


main()
