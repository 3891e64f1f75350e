# SIGKILL at random moments, 20 times, then run to the end: exactly `trials` finished trials,
# unique ids and configurations, none lost, resumed trials' epoch logs continuous, and every
# accuracy equal to that of the same sweep run without interruption.
. "$2"
cd "$WORK"
write_run_config e.yaml 6
"$HIA" run e.yaml -j 2 --store ref.sqlite > ref.log 2>&1 || fail "reference run: $(cat ref.log)"
kills=0
while [ $kills -lt 20 ]; do
    "$HIA" run e.yaml -j 2 > "run$kills.log" 2>&1 &
    pid=$!
    delay=$(od -An -N2 -tu2 /dev/urandom | awk '{ printf "%.2f", 0.2 + ($1 % 100) / 100 }')
    sleep "$delay"
    kill -KILL $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    kills=$((kills + 1))
done
"$HIA" run e.yaml -j 2 > last.log 2>&1 || fail "the last run: $(cat last.log)"
"$HIA" export results/e2e-run.sqlite > t.csv
"$HIA" export ref.sqlite > ref.csv
"$HIA" export results/e2e-run.sqlite --format json > t.json
[ "$(wc -l < t.csv)" = 7 ] || fail "not 6 trials"
[ -z "$(csv_column t.csv status | grep -v -x -e done -e diverged)" ] || fail "not all ended"
[ "$(csv_column t.csv number | sort -n | tr '\n' ' ')" = "0 1 2 3 4 5 " ] || fail "trials lost"
[ "$(csv_column t.csv id | sort -u | wc -l)" = 6 ] || fail "ids not unique"
[ "$(csv_column t.csv config_hash | sort -u | wc -l)" = 6 ] || fail "configurations repeat"
resumed=$(csv_column t.csv resumed_from | awk '$1 > 0' | wc -l)
echo "trials resumed from a checkpoint: $resumed"
[ "$resumed" -gt 0 ] || fail "no trial was resumed from a checkpoint"
# each trial's epoch log is 1..epochs_done with no gap
logs=$(grep -o '"epochs_done":[0-9]*\|"epoch":[0-9]*' t.json | awk -F: '
    /epochs_done/ { if (NR > 1 && seen != want) bad = 1; want = $2; seen = 0; next }
    { seen++; if ($2 != seen) bad = 1 }
    END { if (seen != want) bad = 1; print bad ? "broken" : "continuous" }')
[ "$logs" = continuous ] || fail "an epoch log has a gap"
for col in test_accuracy val_accuracy epochs_done; do
    [ "$(csv_column t.csv $col)" = "$(csv_column ref.csv $col)" ] || \
        fail "$col differs from the uninterrupted run"
done
