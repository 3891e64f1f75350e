"""Fits Optuna 3.1's fANOVA evaluator on a numeric table and writes its trees (scikit-learn's
arrays), the search-space bounds it decomposes over and its per-parameter importances (mean and
std over trees, before Optuna normalises them), for tests/test_fanova_optuna.c.
Run with Debian's python3 (python3-optuna, python3-sklearn): python3 optuna_trees.py OUT SEED"""
import math
import random
import sys

import optuna
from optuna.distributions import FloatDistribution, IntDistribution

optuna.logging.set_verbosity(optuna.logging.ERROR)
out, seed = sys.argv[1], int(sys.argv[2])
r = random.Random(seed)
dist = {"conv_layers": IntDistribution(1, 5), "dropout": FloatDistribution(0.0, 0.5),
        "learning_rate": FloatDistribution(1e-4, 1e-1, log=True),
        "dense_units": IntDistribution(64, 512)}
study = optuna.create_study()
rows = []
for _ in range(150):
    p = {"conv_layers": r.randint(1, 5), "dropout": r.uniform(0, 0.5),
         "learning_rate": 10 ** r.uniform(-4, -1), "dense_units": r.randint(64, 512)}
    y = (0.5 + 0.05 * p["conv_layers"] - 0.05 * (math.log10(p["learning_rate"]) + 2.5) ** 2
         - 0.2 * p["dropout"] * p["conv_layers"] / 5 + r.gauss(0, 0.01))
    study.add_trial(optuna.trial.create_trial(params=p, distributions=dist, value=y))
    rows.append(p | {"accuracy": y})
ev = optuna.importance.FanovaImportanceEvaluator(n_trees=8, seed=seed)
ev.evaluate(study)
fanova = ev._evaluator
names = sorted(dist.keys())  # the evaluator's column order
with open(out.replace("trees-", "table-").replace(".txt", ".csv"), "w") as f:
    f.write(",".join(names) + ",accuracy\n")
    for p in rows:
        f.write(",".join(repr(p[k]) for k in names) + ",%r\n" % p["accuracy"])
with open(out, "w") as f:
    f.write("features %d\n" % len(names))
    for lo, hi in fanova._trees[0]._search_spaces:
        f.write("bounds %r %r\n" % (float(lo), float(hi)))
    for i in range(len(names)):
        m, s = fanova.get_importance(i)
        f.write("importance %r %r\n" % (m, s))
    for est in fanova._forest.estimators_:
        t = est.tree_
        f.write("tree %d\n" % t.node_count)
        for n in range(t.node_count):
            f.write("%d %r %d %d %r\n" % (t.feature[n], float(t.threshold[n]), t.children_left[n],
                                          t.children_right[n], float(t.value[n][0][0])))
