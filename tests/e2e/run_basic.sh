# hia run: a sweep runs to the end, status and export agree with it, a second run adds
# nothing (it says how it splits the machine without -j), and a changed experiment file is
# refused with the changed keys named.
. "$2"
cd "$WORK"
write_run_config e.yaml 4
"$HIA" run e.yaml -j 2 > run.log || fail "hia run exited $?: $(cat run.log)"
cat run.log
grep -q "results: results/e2e-run.sqlite" run.log || fail "run does not say where results are"
[ "$(grep -c '^\[[0-9]/4\] trial' run.log)" = 4 ] || fail "not one line per trial"
st=$("$HIA" status e.yaml --json) || fail "status exited $?"
echo "$st"
for k in total:4 done:4 running:0 pending:0 failed:0; do
    [ "$(echo "$st" | json_get "${k%%:*}")" = "${k#*:}" ] || fail "status: ${k%%:*} is not ${k#*:}"
done
echo "$st" | grep -q '"datasets":{"fashion-mnist":{"total":4' || fail "status lacks per-dataset counts"
"$HIA" status results/e2e-run.sqlite | grep -q "fashion-mnist: 4 of 4 ended: 4 done, 0 failed" ||
    fail "status text: $("$HIA" status results/e2e-run.sqlite)"
"$HIA" export results/e2e-run.sqlite > t.csv || fail "export exited $?"
[ "$(wc -l < t.csv)" = 5 ] || fail "export: not one row per trial"
head -n 1 t.csv | grep -q "conv_layers,filters_1,filters_2,kernel_size,activation" || fail "export header"
for col in val_accuracy test_accuracy images_per_second epochs_done; do
    [ -z "$(csv_column t.csv $col | grep -v '^[0-9.e-]*[0-9]$')" ] || fail "export: bad $col"
done
"$HIA" export results/e2e-run.sqlite --format json > t.json || fail "export json exited $?"
[ "$(json_all optimizer < t.json | wc -l)" = 4 ] || fail "export json: not 4 trials"
grep -q '"history":\[{"epoch":1' t.json || fail "export json lacks the epoch log"

"$HIA" run e.yaml --threads 3 > again.log || fail "second run exited $?"
# without -j: one trial per thread of the budget, memory permitting, said at the start
grep -q "^-j not given: 3 trial(s) at a time, one per thread of 3 .*GiB available holds" again.log ||
    fail "no default split: $(cat again.log)"
grep -q "3 at a time, 1 threads each" again.log || fail "the split is not used: $(cat again.log)"
[ "$(grep -c '^\[' again.log)" = 0 ] || fail "the second run trained again: $(cat again.log)"
[ "$("$HIA" status e.yaml --json | json_get total)" = 4 ] || fail "the second run planned more"

sed 's/^seed: 3/seed: 4/; s/high: 0.3}/high: 0.4}/' e.yaml > changed.yaml
set +e
"$HIA" run changed.yaml > /dev/null 2> err.txt
rc=$?
set -e
[ "$rc" = 1 ] || fail "a changed experiment: exit status $rc"
grep -q "changed: seed, space.dropout" err.txt || fail "changed keys not listed: $(cat err.txt)"
[ ! -e models/e2e-run/1 ] || fail "keep: none left the trial's files"

# a configuration that makes no valid network on its dataset (a dense layer too large for
# 28x28 images; seed 2 draws both sizes) fails for good, with the reason; the others run, and
# the sweep exits with 4 (trials failed for good). (A value no network takes, such as an even
# kernel, is refused when the file is loaded: tests/test_config.c.)
sed 's/^seed: 3/seed: 2/; s/^  conv_layers: .*/  conv_layers: {type: int, low: 1, high: 1}/; s/^  dense_units: .*/  dense_units: {type: categorical, choices: [16, 65536]}/; s/^experiment: e2e-run/experiment: even/' \
    e.yaml > even.yaml
set +e
"$HIA" run even.yaml -j 2 > even.log 2>&1
rc=$?
set -e
[ "$rc" = 4 ] || fail "a sweep with an unbuildable trial: exit status $rc: $(cat even.log)"
grep -q "trials failed for good" even.log || fail "the failures are not reported: $(cat even.log)"
grep -q "results: results/even.sqlite" even.log || fail "no results line: $(cat even.log)"
"$HIA" export results/even.sqlite > even.csv
failed=$(csv_column even.csv status | grep -c -x failed || true)
[ "$failed" -gt 0 ] || fail "no trial failed"
grep -q "weights (limit 50000000)" even.csv || fail "the reason is not recorded"
csv_column even.csv status | grep -q -x done || fail "no trial ran"
"$HIA" status results/even.sqlite | grep -q "ended: [0-9]* done, $failed failed" ||
    fail "status does not word the failures: $("$HIA" status results/even.sqlite)"

# --retry-failed runs them again (they fail again: the layer is still too large), keeping the
# failure history: two failures each, each with its reason
set +e
"$HIA" run even.yaml --retry-failed > retry.log 2>&1
rc=$?
set -e
[ "$rc" = 4 ] || fail "--retry-failed: exit status $rc: $(cat retry.log)"
grep -q "$failed trial(s) failed for good are pending again" retry.log ||
    fail "--retry-failed does not say what it retried: $(cat retry.log)"
[ "$(grep -c '^\[' retry.log)" = "$failed" ] || fail "--retry-failed did not retry: $(cat retry.log)"
"$HIA" export results/even.sqlite --format json > even.json
[ "$(grep -o '"failure_history":\[[^]]*\]' even.json | grep -o '"attempt":2' | wc -l)" = "$failed" ] ||
    fail "the failure history lost a failure: $(grep -o '"failure_history":\[[^]]*\]' even.json)"
[ "$(grep -o '"reason":"[^"]*weights (limit' even.json | wc -l)" -ge $((3 * failed)) ] ||
    fail "the failure history lost a reason"
