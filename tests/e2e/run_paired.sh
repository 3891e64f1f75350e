# A paired study: the same configurations in a two-dataset store and in a one-dataset store
# with more training images. A trial's randomness comes from the seed, the configuration's
# number and the dataset, never from its row, so with equal training data configuration k
# scores the same in both; with more training images the validation and test sets stay
# (checked on the splits in test_dataset). The store records the trainer's numerics, and a
# store trained by another refuses to be resumed.
. "$2"
cd "$WORK"
write_run_config two.yaml 3
sed 's/^experiment: e2e-run/experiment: two/' two.yaml > t && mv t two.yaml
awk '{ print } /^  - {name: fashion-mnist/ { print "  - {name: mnist, train: 640, validation: 160, test: 200}" }' \
    two.yaml > t && mv t two.yaml
sed 's/^experiment: two/experiment: one/; /name: mnist,/d' two.yaml > one.yaml
"$HIA" run two.yaml -j 2 > two.log 2>&1 || fail "two datasets: exit $?: $(cat two.log)"
"$HIA" run one.yaml -j 2 > one.log 2>&1 || fail "one dataset: exit $?: $(cat one.log)"
"$HIA" export results/two.sqlite > two.csv
"$HIA" export results/one.sqlite > one.csv
scores() { # scores CSV: number and test accuracy of the Fashion-MNIST trials, by number
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
             $c["dataset"] == "fashion-mnist" { print $c["number"], $c["config_hash"], $c["test_accuracy"], $c["val_accuracy"] }' "$1" | sort -n
}
scores two.csv > two.txt
scores one.csv > one.txt
cat two.txt
[ "$(wc -l < one.txt)" = 3 ] || fail "not 3 trials: $(cat one.txt)"
# ids differ (configuration k is row 2k+1 in one, k+1 in the other); the results do not
cmp -s one.txt two.txt || fail "configuration by configuration, the stores differ:
$(cat one.txt)
---
$(cat two.txt)"

st=$("$HIA" status results/one.sqlite --json)
[ "$(echo "$st" | json_get numerics)" = "$(echo "$st" | json_get build_numerics)" ] ||
    fail "the store does not record this build's numerics: $st"
# a store trained by another numerics version is stale: said by status, refused by run
/usr/bin/python3 -c "import sqlite3; c = sqlite3.connect('results/one.sqlite'); \
c.execute(\"UPDATE meta SET value = '1' WHERE key = 'setting:numerics'\"); c.commit()"
"$HIA" status results/one.sqlite | grep -q "trained by numerics version 1; this build trains version" ||
    fail "status does not say the store is stale: $("$HIA" status results/one.sqlite)"
set +e
"$HIA" run one.yaml > stale.log 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || fail "a stale store resumed: exit $rc: $(cat stale.log)"
grep -q "changed: numerics.*trained by a trainer whose numbers differ" stale.log ||
    fail "the refusal does not say why: $(cat stale.log)"
