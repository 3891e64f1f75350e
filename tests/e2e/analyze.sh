# hia analyze: the CLI gives Weka's weights and psych's ICC, ranks a sweep's hyperparameters
# with intervals and a stability check, and refuses bad tables with a clear message.
. "$2"
REF=$(cd "$(dirname "$2")/../reference" && pwd)
cd "$WORK"
expect_fail() { # expect_fail FRAGMENT ARGS...: exit status 1 and FRAGMENT on stderr
    frag=$1
    shift
    set +e
    "$HIA" analyze "$@" > out.txt 2> err.txt
    rc=$?
    set -e
    [ "$rc" = 1 ] || fail "analyze $*: exit status $rc ($(cat err.txt))"
    grep -qF -- "$frag" err.txt || fail "analyze $*: stderr lacks '$frag': $(cat err.txt)"
}

# the CLI path reproduces Weka (first recorded case: grid, -K 10, equal weighting)
want=$(head -n 1 "$REF/relief/cases.txt" | cut -d'|' -f4)
got=$("$HIA" analyze "$REF/relief/grid.csv" --method nrrelieff --weighting equal \
      --neighbours 10 --bootstrap 0 --json) || fail "analyze grid.csv exited $?"
for name in conv_layers learning_rate dropout batch_size optimizer; do
    raw=$(echo "$got" | grep -o "\"name\":\"$name\",\"rank\":[0-9]*,\"raw\":[^,]*" | sed 's/.*"raw"://')
    echo "$raw" >> raw.txt
done
awk -v want="$want" 'BEGIN { n = split(want, w, " ") }
    { if ($1 - w[NR] > 1e-9 || w[NR] - $1 > 1e-9) bad = 1 }
    END { exit bad || NR != n }' raw.txt || fail "raw weights differ from Weka: $(cat raw.txt)"

# ICC of a matrix, psych's numbers
icc=$("$HIA" analyze "$REF/icc/shrout_fleiss.csv" --method icc --json) || fail "icc exited $?"
echo "$icc"
echo "$icc" | grep -q '"type":"ICC3","icc":0.7148407148407' || fail "ICC3 is not psych's 0.7148"
"$HIA" analyze "$REF/icc/shrout_fleiss.csv" --method icc | grep -q "^ICC2k " || fail "icc text"

# fANOVA on a table whose accuracy is mostly conv_layers: it ranks first; 10 pairs of 5
fa=$("$HIA" analyze "$REF/relief/grid.csv" --method fanova --trees 16 --json) || fail "fanova exited $?"
echo "$fa"
echo "$fa" | grep -q '"main":\[{"name":"conv_layers","rank":1' || fail "fANOVA does not rank conv_layers first"
echo "$fa" | grep -q '"marginals":\[{"name":"conv_layers","x":\[0.625' || fail "no marginal curves"
[ "$(echo "$fa" | grep -o '"a":"[a-z_]*","b"' | wc -l)" = 10 ] || fail "not 10 pairwise interactions"
"$HIA" analyze "$REF/relief/grid.csv" --method fanova --trees 8 | grep -q "^strongest interactions:" \
    || fail "fANOVA text lacks the interactions"
expect_fail "--cutoffs 2,1: expected lo,hi" "$REF/relief/grid.csv" --method fanova --cutoffs 2,1

# a sweep: ranking, intervals, stability
write_run_config e.yaml 8
"$HIA" run e.yaml -j 2 > run.log 2>&1 || fail "run: $(cat run.log)"
out=$("$HIA" analyze results/e2e-run.sqlite --json --bootstrap 10 --subsamples 4 --fraction 0.75) \
    || fail "analyze store exited $?"
echo "$out"
[ "$(echo "$out" | json_get rows)" = 8 ] || fail "not 8 trials"
[ "$(echo "$out" | grep -o '"name":"[a-z_]*","rank":[0-9]*,"raw"' | wc -l)" = 11 ] || fail "not 11 hyperparameters"
echo "$out" | grep -o '"raw":[^,]*,"importance":[^,]*' | sed 's/.*"importance"://' | \
    awk '{ s += $1 } END { exit !(s > 0.999999 && s < 1.000001) }' \
    || fail "N-RReliefF importances do not sum to 1"
echo "$out" | grep -q '"icc":{"form":"ICC2"' || fail "no stability check"
echo "$out" | grep -q '"fanova":{"settings":{"trees":64' || fail "no fANOVA"
echo "$out" | grep -q '"agreement":{"methods":{"spearman":' || fail "no agreement of the methods"
echo "$out" | grep -q '"normalisation":"max(W,0)/sum(max(W,0))"' || fail "rule not named"
"$HIA" analyze results/e2e-run.sqlite --layers --bootstrap 0 --method nrrelieff | \
    grep -q " filters_2 " || fail "--layers lacks filters_2"
text=$("$HIA" analyze results/e2e-run.sqlite --bootstrap 5 --subsamples 3 --fraction 0.8)
echo "$text" | grep -q "^   1  " || fail "no ranked table"
echo "$text" | grep -q "^stability: ICC(2,1)" || fail "no stability line"

# --where: only the trials whose hyperparameters satisfy a condition, named in the output
"$HIA" export results/e2e-run.sqlite > e.csv
adam=$(csv_column e.csv optimizer | grep -c -x adam)
two_layers=$(csv_column e.csv conv_layers | grep -c -x 2)
w=$("$HIA" analyze results/e2e-run.sqlite --where "optimizer = adam" --method nrrelieff --bootstrap 0 \
    --neighbours 2 --json) || fail "--where exited $?"
[ "$(echo "$w" | json_get rows)" = "$adam" ] || fail "--where optimizer = adam: not the $adam adam trials: $w"
[ "$(echo "$w" | json_get filtered)" = $((8 - adam)) ] || fail "--where: the others are not counted"
echo "$w" | grep -q '"where":"optimizer = adam"' || fail "--where is not named in the JSON"
# a layer's value by its export name (missing where the layer does not exist), a per-layer
# mean by its plain name, in, and a numeric range
w=$("$HIA" analyze results/e2e-run.sqlite --where "filters_2 >= 4" --method nrrelieff --bootstrap 0 \
    --neighbours 2 --json) || fail "--where filters_2 exited $?"
[ "$(echo "$w" | json_get rows)" = "$two_layers" ] || fail "--where filters_2: not the $two_layers two-layer trials"
n=$("$HIA" analyze results/e2e-run.sqlite --where "filters >= 4 and optimizer in adam,momentum and learning_rate >= 1e-3 and learning_rate <= 1e-2" \
    --method nrrelieff --bootstrap 0 --neighbours 2 --json | json_get rows)
[ "$n" = 8 ] || fail "--where over the whole space keeps $n trials, not 8"
"$HIA" analyze results/e2e-run.sqlite --where "optimizer != adam" --method nrrelieff --bootstrap 0 \
    --neighbours 2 | grep -q "^where: optimizer != adam ($adam trials left out by it)" || fail "--where is not named in the text"
expect_fail "--where 'optimizer ~ adam': column optimizer: expected =, !=, <, <=, >, >= or in" \
    results/e2e-run.sqlite --where "optimizer ~ adam"
expect_fail "no column nope" results/e2e-run.sqlite --where "nope = 1"
expect_fail "column optimizer holds 'adam', not a number" results/e2e-run.sqlite --where "optimizer >= 2"
expect_fail "'x' is not one" results/e2e-run.sqlite --where "dropout < x"
expect_fail "an empty value in the list" results/e2e-run.sqlite --where "optimizer in adam,"
printf 'a,b,accuracy\n1,x,0.5\n2,y,0.6\n3,x,0.7\n4,y,0.9\n5,x,0.4\n' > w.csv
[ "$("$HIA" analyze w.csv --where "b = x and a > 1" --method nrrelieff --bootstrap 0 --neighbours 1 --json | json_get rows)" = 2 ] ||
    fail "--where on a CSV table"
expect_fail "keeps 1 row" w.csv --where "a = 1"
# fewer trials than k, and no positive weight: said, never shown as a ranking
printf 'a,b,y\n1,1,0\n2,2,1\n3,3,0\n4,4,1\n5,5,0\n6,6,1\n' > none.csv
out=$("$HIA" analyze none.csv --target y --method nrrelieff) || fail "analyze none.csv exited $?"
echo "$out" | grep -q "^N-RReliefF: k 20 (auto: .*) (only 5 other trials: every trial is each one's neighbour)" ||
    fail "k above the trials is not said: $(echo "$out" | grep N-RReliefF)"
echo "$out" | grep -q "^no ranking: no hyperparameter has a positive weight (every raw W <= 0) in 6 trials" ||
    fail "an all-zero ranking is shown as one: $out"
[ "$("$HIA" analyze none.csv --target y --method nrrelieff --json | json_get ranked)" = false ] ||
    fail "JSON: ranked is not false"
printf 'a,b,y\n1,1,0.1\n2,2,0.2\n3,1,0.3\n4,2,0.4\n5,1,0.5\n6,2,0.6\n7,1,0.7\n8,2,0.8\n' > pos.csv
[ "$("$HIA" analyze pos.csv --target y --method nrrelieff --neighbours 2 --json | json_get ranked)" = true ] ||
    fail "JSON: ranked is not true on a table with a positive weight"
"$HIA" analyze pos.csv --target y --method nrrelieff --neighbours 2 | grep -q "no ranking\|only .* other trials" &&
    fail "a ranked table with enough trials carries the notes"
expect_fail "no column c" w.csv --where "c = 1"

# two datasets: per dataset by default, then the mean, with the agreement between them
mkdir ds
cp "$REF/../../datasets/fashion-mnist.yaml" ds/
sed 's/^name: fashion-mnist/name: twin/' ds/fashion-mnist.yaml > ds/twin.yaml
sed 's/^  - {name: fashion-mnist, train: 640, validation: 160, test: 200}/  - {name: fashion-mnist, train: 640, validation: 160, test: 200}\n  - {name: twin, train: 320, validation: 160, test: 200}/; s/^experiment: e2e-run/experiment: two/' \
    e.yaml > two.yaml
HIA_DATASETS=$WORK/ds "$HIA" run two.yaml -j 2 > two.log 2>&1 || fail "run two: $(cat two.log)"
# trials are planned configuration by configuration: ids alternate between the datasets
"$HIA" export results/two.sqlite > two.csv
[ "$(csv_column two.csv dataset | head -n 4 | tr '\n' ' ')" = "fashion-mnist twin fashion-mnist twin " ] ||
    fail "trial ids do not alternate between the datasets"
two=$("$HIA" analyze results/two.sqlite --bootstrap 0 --subsamples 3 --fraction 0.9 --json) \
    || fail "analyze two exited $?"
echo "$two"
[ "$(echo "$two" | json_get rows)" = 16 ] || fail "not 16 trials"
echo "$two" | grep -q '"combination":"per dataset, then the mean over the 2 datasets' ||
    fail "the default combination is not named"
echo "$two" | grep -q '"datasets":\[{"name":"fashion-mnist","rows":8},{"name":"twin","rows":8}\]' ||
    fail "the datasets are not listed"
echo "$two" | grep -q '"datasets":\[{"a":"fashion-mnist","b":"twin","spearman":' \
    || fail "no agreement between datasets"
# each hyperparameter's importance is the mean of the datasets' own, with their spread
echo "$two" | grep -o '"importance":[^,]*,"ci":\[[^]]*\],"spread":\[[^]]*\],"per_dataset":{"fashion-mnist":[^,]*,"twin":[^}]*}' |
    sed 's/"importance":\([^,]*\),.*"spread":\[\([^,]*\),\([^]]*\)\],"per_dataset":{"fashion-mnist":\([^,]*\),"twin":\(.*\)}/\1 \2 \3 \4 \5/' > per.txt
[ "$(wc -l < per.txt)" = 11 ] || fail "not 11 hyperparameters with their datasets' importances: $(cat per.txt)"
awk '{ m = ($4 + $5) / 2; lo = $4 < $5 ? $4 : $5; hi = $4 < $5 ? $5 : $4
       if (m - $1 > 1e-9 || $1 - m > 1e-9 || lo != $2 || hi != $3) exit 1 }' per.txt ||
    fail "the importance is not the datasets' mean, or the spread not their range: $(cat per.txt)"
# pooled: each configuration once (never its own neighbour), one not finished on every
# dataset left out and counted
/usr/bin/python3 -c "import sqlite3; c = sqlite3.connect('results/two.sqlite'); \
c.execute(\"UPDATE trials SET status = 'failed' WHERE dataset = 'twin' AND number = 3\"); c.commit()"
pooled=$("$HIA" analyze results/two.sqlite --pooled --bootstrap 0 --subsamples 3 --fraction 0.9 --json) ||
    fail "analyze --pooled exited $?"
[ "$(echo "$pooled" | json_get rows)" = 7 ] || fail "pooled: not 7 configurations: $pooled"
[ "$(echo "$pooled" | json_get incomplete)" = 1 ] || fail "pooled: the incomplete one is not counted"
echo "$pooled" | grep -q '"combination":"pooled: each configuration once, its accuracy the mean z-score over the 2 datasets (1 configurations not finished' ||
    fail "pooled: the combination is not named"
"$HIA" analyze results/two.sqlite --pooled --bootstrap 0 --method nrrelieff | grep -q "^combination: pooled" ||
    fail "pooled: the text does not name the combination"
"$HIA" analyze results/two.sqlite --dataset twin --bootstrap 0 --method nrrelieff | \
    grep -q "^results/two.sqlite, twin: 7 trials, target test_accuracy (1 left out" || fail "--dataset twin"

# bad tables
printf 'a,accuracy\n1,0.5\n2,0.6,7\n' > ragged.csv
expect_fail "record 3 has 3 fields, the header 2" ragged.csv
printf 'a,a,accuracy\n1,2,0.5\n' > twice.csv
expect_fail "column 'a' appears twice" twice.csv
printf 'a,accuracy\n1,0.5\n' > one.csv
expect_fail "the analysis needs at least 2" one.csv
printf 'a,b,accuracy\n1,x,0.5\n2,y,0.5\n3,x,0.5\n' > flat.csv
expect_fail "does not vary" flat.csv --method nrrelieff
printf 'a,accuracy\n1,0.5\n2,failed\n3,0.7\n4,\n5,0.9\n' > some.csv
"$HIA" analyze some.csv --method nrrelieff --bootstrap 0 --neighbours 2 | \
    grep -q "3 trials, target accuracy (2 left out" || fail "failed rows not counted"
expect_fail "--target nope: no such column" some.csv --target nope
# numbers that are not finite are refused, named by line and column (one nan once turned a
# numeric column categorical and changed its importance without a word)
awk 'BEGIN { srand(4); print "a,b,c,accuracy"; for (i = 0; i < 40; i++) { a = (i % 8) / 7; c = rand()
     printf "%.4f,%.3f,%.4f,%.4f\n", a, rand(), c, a / 2 + c / 2 + rand() / 20 } }' > finite.csv
"$HIA" analyze finite.csv --method nrrelieff --bootstrap 0 > /dev/null || fail "a finite table: exit $?"
for bad in nan inf -inf 1e400 NaN; do
    sed "5s/^[0-9.]*,/$bad,/" finite.csv > bad.csv
    expect_fail "bad.csv:5: column 'a': $bad is not a finite number (a missing value is an empty cell, ? or NA)" bad.csv
done
sed '7s/,[0-9.]*$/,inf/' finite.csv > bad.csv
expect_fail "bad.csv:7: column 'accuracy': inf is not a finite number" bad.csv
sed '3s/^[0-9.]*,/1e400,/' finite.csv > bad.csv
expect_fail "bad.csv:3: column 'a': 1e400 is not a finite number" bad.csv --method icc
# a column with no value in any row kept (it once showed importance 0 within [1, 1])
awk -F, 'BEGIN { OFS = "," } { $2 = NR == 1 ? "b" : (NR == 9 ? "3" : ""); print }' finite.csv > empty.csv
sed -i '9s/,[0-9.]*$/,failed/' empty.csv
expect_fail "empty.csv: column 'b' has no value in any row with a numeric 'accuracy' (every cell is missing): nothing to rank it by (leave it out with --exclude b)" empty.csv
"$HIA" analyze empty.csv --exclude b --method nrrelieff --bootstrap 0 > /dev/null || fail "--exclude b: exit $?"
# limits (30 rows of 10,000 columns once aborted, allocating 51 GB); a UTF-8 byte order mark;
# a NUL byte
awk 'BEGIN { for (i = 0; i <= 30; i++) { for (c = 1; c <= 10000; c++) printf "%s,", i ? (c * i) % 7 : "c" c
                                       print i ? i / 30 : "accuracy" } }' > wide.csv
expect_fail "wide.csv:1: more than 256 columns (the most hia analyze takes)" wide.csv
awk 'BEGIN { for (i = 0; i <= 1100; i++) { for (c = 1; c < 250; c++) printf "%s,", i ? (c * i) % 7 : "c" c
                                      print i ? i / 1100 : "accuracy" } }' > cells.csv
expect_fail "cells.csv:1001: more than 250000 cells (the most hia analyze takes)" cells.csv
awk 'BEGIN { print "a,accuracy"; for (i = 0; i < 10100; i++) print i % 7 "," i / 10100 }' > rows.csv
expect_fail "rows.csv:10002: more than 10000 rows (the most hia analyze takes)" rows.csv
printf '\357\273\277a,accuracy\n1,0.5\n2,0.6\n3,0.8\n' > bom.csv
"$HIA" analyze bom.csv --method nrrelieff --bootstrap 0 --neighbours 1 --json | grep -q '"name":"a",' ||
    fail "the byte order mark stays in the first column's name"
printf 'a,accuracy\n1,0.5\n2\000,0.6\n3,0.8\n' > nul.csv
expect_fail "nul.csv:3: a NUL byte (a CSV table is text)" nul.csv
# a constant column and a categorical of one level: importance 0 from both methods, no NaN
awk 'BEGIN { print "a,b,c,accuracy"; for (i = 0; i < 30; i++) printf "%d,7,x,%g\n", i % 5, (i % 5) / 10 + (i % 3) / 100 }' > flat2.csv
flat=$("$HIA" analyze flat2.csv --bootstrap 5 --subsamples 3 --fraction 0.9 --trees 8 --json) || \
    fail "constant columns: exit $?"
echo "$flat" | grep -q 'nan\|null' && fail "constant columns give NaN: $flat"
echo "$flat" | grep -q '"name":"b","rank":[0-9]*,"raw":0,"importance":0' || fail "constant b not 0"
echo "$flat" | grep -q '"name":"c","rank":[0-9]*,"importance":0,' || fail "one-level c not 0 in fANOVA"
expect_fail "unknown option --neighbors" some.csv --neighbors 3

# the experiment's analysis: block, recorded by every hia run (changing it does not change the
# sweep), is what analyze and report use on the store; a flag wins over it, and both say so
cat >> e.yaml <<'YAML'
analysis:
  nrrelieff: {neighbours: 3, weighting: equal, sigma: 1.5}
  icc: {subsamples: 3, fraction: 0.6}
  fanova: {trees: 8, seed: 5}
YAML
"$HIA" run e.yaml > block.log 2>&1 || fail "a run with an analysis block: $(cat block.log)"
out=$("$HIA" analyze results/e2e-run.sqlite --json --bootstrap 0 --neighbours 4) ||
    fail "analyze with the block exited $?"
for kv in '"neighbours":4' '"weighting":"equal"' '"sigma":1.5' '"subsamples":3' 'fraction 0.6 (experiment)' \
          '"trees":8' '"seed":5' '"settings":"neighbours 4 (command line), weighting equal (experiment)'; do
    echo "$out" | grep -qF "$kv" || fail "analyze did not use the analysis block ($kv)"
done
"$HIA" analyze results/e2e-run.sqlite --bootstrap 0 | grep -q "^settings: neighbours 3 (experiment), .*trees 8 (experiment), seed 5 (experiment)" ||
    fail "analyze's text does not say which settings it used"
"$HIA" report results/e2e-run.sqlite -o rep > /dev/null || fail "report with the block"
grep -q "neighbours 3 (experiment), weighting equal (experiment), sigma 1.5 (experiment), subsamples 3 (experiment)" rep/report.md ||
    fail "report did not use the analysis block: $(grep -i settings rep/report.md)"
grep -q "N-RReliefF (k 3, equal weights, manhattan distance)" rep/report.md || fail "report's ranking text"
grep -q "datasets combined: one dataset, fashion-mnist" rep/report.md || fail "the report does not name the combination"

# a block the file drops is dropped from the store: the analysis's defaults apply again
head -n -4 e.yaml > plain.yaml
"$HIA" run plain.yaml > plain.log 2>&1 || fail "a run without the block: $(cat plain.log)"
"$HIA" analyze results/e2e-run.sqlite --bootstrap 0 --method nrrelieff | grep -q "^settings: neighbours auto (default), weighting equal (default), sigma 2k/7 (default)" ||
    fail "the dropped block still applies: $("$HIA" analyze results/e2e-run.sqlite --bootstrap 0 --method nrrelieff | grep settings)"

# the sensitivity to N-RReliefF's settings, on a store and a CSV, text and JSON: robust only
# when every setting of the grid keeps the top three
sens=$("$HIA" analyze "$REF/relief/grid.csv" --method nrrelieff --bootstrap 0 --sensitivity --json) ||
    fail "--sensitivity exited $?"
[ "$(echo "$sens" | grep -o '"top3":\[' | wc -l)" = 12 ] || fail "not 12 settings in the grid: $sens"
echo "$sens" | grep -q '"weighting":"rank","sigma":[0-9.]*,"distance":"euclidean"' || fail "the grid lacks rank weighting or euclidean"
echo "$sens" | grep -q '"hyperparameters":\[{"name":"[a-z_]*","rank":1,"best":1,"worst":[0-9]*}' || fail "no rank ranges"
robust=$(echo "$sens" | json_get robust)
share=$(echo "$sens" | json_get top3_share)
{ [ "$robust" = true ] && [ "$share" = 1 ]; } || { [ "$robust" = false ] && awk -v s="$share" 'BEGIN { exit !(s < 1) }'; } ||
    fail "robust ($robust) is not 'every setting keeps the top three' ($share)"
"$HIA" analyze results/e2e-run.sqlite --method nrrelieff --bootstrap 0 --sensitivity |
    grep -q "^\(robust: the same top three under all 12 settings\|not robust: the top three hold under [0-9]*% of the 12 settings; ranks that move: [a-z_]* [0-9]*-[0-9]*\)" ||
    fail "the text does not say whether the ranking is robust"
"$HIA" analyze results/e2e-run.sqlite --bootstrap 0 --subsamples 3 --json | grep -q '"sensitivity":{"settings":\[' ||
    fail "--method all lacks the sensitivity"
