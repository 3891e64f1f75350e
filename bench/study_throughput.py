"""bench/study_throughput's PyTorch side and its table: each trial of a finished hia sweep (its
net.cfg kept) trained again by bench/darknet_torch.py (as bench/fidelity does) on the same
images and threads for the same epochs, timed over the training epochs alone (hia's
train_seconds); prints a row per configuration (seconds of both, GFLOP/s of both, fractions
of the sgemm peak) and the totals.
usage: study_throughput.py EXPORT.json MODELS_DIR DATA_DIR THREADS SGEMM_GFLOPS"""
import json
import sys

import darknet_torch as dt


def train_flops(sections, c, h, w):
    """Floating-point operations of one training image: each convolution and dense layer's
    forward, its weight gradient and, past the first layer, its input gradient (2 per
    multiply-add)."""
    total, first, flat = 0, True, None
    for kind, o in sections[1:]:
        if kind == "convolutional":
            size, stride = int(o["size"]), int(o.get("stride", 1))
            pad = size // 2 if int(o.get("pad", 0)) else 0
            f = int(o["filters"])
            oh, ow = (h + 2 * pad - size) // stride + 1, (w + 2 * pad - size) // stride + 1
            fwd = 2 * c * f * size * size * oh * ow
            total += fwd * (2 if first else 3)
            c, h, w, first = f, oh, ow, False
        elif kind == "maxpool":
            size, stride = int(o.get("size", 2)), int(o.get("stride", 2))
            h, w = (h - size) // stride + 1, (w - size) // stride + 1
        elif kind == "connected":
            inputs = flat if flat is not None else c * h * w
            out = int(o["output"])
            total += 2 * inputs * out * (2 if first else 3)
            flat, first = out, False
    return total


def main():
    export, models, data_dir = sys.argv[1:4]
    threads, peak = int(sys.argv[4]), float(sys.argv[5])
    trials = json.load(open(export))
    data = [dt.load_split(data_dir, s) for s in ("train", "validation", "test")]
    xt = data[0][0]
    print(f"{'#':>3} {'layers':<24} {'bn':<3} {'batch':>5} {'ep':>3} {'hia s':>7} "
          f"{'torch s':>7} {'ratio':>6} {'hia GF/s':>8} {'torch GF/s':>10} {'hia peak':>8}")
    th = tt = fl = 0.0
    for i, t in enumerate(trials):
        if t["status"] not in ("done", "diverged") or t["epochs_done"] == 0:
            print(f"{i + 1:>3} left out: hia's trial {t['status']}: {t['reason']}")
            continue
        cfg = open(f"{models}/{t['id']}/net.cfg").read()
        sections = dt.parse_cfg(cfg)
        epochs = int(t["epochs_done"])
        flops = train_flops(sections, xt.shape[1], xt.shape[2], xt.shape[3]) * len(xt) * epochs
        hs = float(t["train_seconds"])
        ts = dt.train(cfg, data, epochs, seed=1, threads=threads)[5]
        p = t["params"]
        convs = "-".join(f"{f}x{k}" for f, k in zip(p["filters"], p["kernel_size"]))
        print(f"{i + 1:>3} {convs:<24} {'y' if p['batch_norm'] else 'n':<3} "
              f"{p['batch_size']:>5} {epochs:>3} {hs:7.2f} {ts:7.2f} {ts / hs:6.2f} "
              f"{flops / hs / 1e9:8.1f} {flops / ts / 1e9:10.1f} {flops / hs / 1e9 / peak:8.2f}",
              flush=True)
        th, tt, fl = th + hs, tt + ts, fl + flops
    print(f"total: hia {th:.1f} s, PyTorch {tt:.1f} s, PyTorch/hia {tt / th:.2f}; "
          f"hia {fl / th / 1e9:.1f} GFLOP/s ({fl / th / 1e9 / peak:.2f} of the sgemm peak "
          f"{peak:.1f}), PyTorch {fl / tt / 1e9:.1f} GFLOP/s ({fl / tt / 1e9 / peak:.2f})")
    target = 1.5 if threads == 1 else 2.0
    print(f"target at {threads} thread(s): PyTorch/hia >= {target}: "
          f"{'met' if tt / th >= target else 'not met'}")


main()
