#!/bin/sh
# Records the reference outputs the conformance tests compare hia with. Needs Weka 3.6.14
# (apt-get install weka), R with psych (apt-get install r-base-core r-cran-psych), python3, and
# Optuna 3.1 with scikit-learn for Debian's python3 (apt-get install python3-optuna
# python3-sklearn).
# Run from the repository root: tests/reference/record.sh
set -eu
here=tests/reference
python3 "$here/make_tables.py" "$here/relief" "$here/icc" "$here/agreement"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
javac -d "$tmp" -cp /usr/share/java/weka.jar "$here/WekaRelief.java"
# one case per line: table | hia options | Weka options | Weka's weights
cases="grid|-K 10|-K 10
grid|-K 10 --weighting rank --sigma 2|-K 10 -W -A 2
grid|-K 5 --iterations 30 --seed 7|-K 5 -M 30 -D 7
grid|-K 10 --weighting rank --sigma 20 --iterations 50 --seed 3|-K 10 -W -A 20 -M 50 -D 3
continuous|-K 10|-K 10
continuous|-K 70 --weighting rank --sigma 20|-K 70 -W -A 20
continuous|-K 10 --iterations 40 --seed 11|-K 10 -M 40 -D 11
small|-K 10|-K 10
small|-K 3 --weighting rank --sigma 2|-K 3 -W -A 2"
echo "$cases" | while IFS='|' read -r table hia weka; do
    weights=$(java -cp "$tmp:/usr/share/java/weka.jar" WekaRelief "$here/relief/$table.csv" $weka)
    echo "$table|$hia|$weka|$weights"
done > "$here/relief/cases.txt"
cat "$here/relief/cases.txt"

# ICC: psych's six forms, each as type icc F df1 df2 p lower upper
for m in shrout_fleiss subsamples noise; do
    Rscript -e 'library(psych); x <- read.csv(commandArgs(TRUE)[1], row.names = 1)
        r <- ICC(x, lmer = FALSE)$results
        for (i in 1:6) cat(r$type[i], sprintf("%.17g", unlist(r[i, 2:8])), "\n")' \
        "$here/icc/$m.csv" > "$here/icc/$m.psych"
    cat "$here/icc/$m.psych"
done

# rank agreement: R's cor() of each pair of columns, Spearman then Kendall (tau-b)
Rscript -e 'x <- read.csv(commandArgs(TRUE)[1]); n <- names(x)
    for (i in 1:(length(n) - 1)) for (j in (i + 1):length(n))
        cat(n[i], n[j], sprintf("%.17g", cor(x[[i]], x[[j]], method = "spearman")),
            sprintf("%.17g", cor(x[[i]], x[[j]], method = "kendall")), "\n")' \
    "$here/agreement/vectors.csv" > "$here/agreement/vectors.R"
cat "$here/agreement/vectors.R"

# fANOVA: Optuna's trees, bounds and importances, and the tables they were fitted on
for seed in 1 2; do
    /usr/bin/python3 "$here/optuna_trees.py" "$here/fanova/trees-$seed.txt" $seed
done
