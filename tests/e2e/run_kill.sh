# SIGKILL inside trials, up to 12 times, then run to the end: exactly `trials` finished trials,
# unique ids and configurations, none lost, every trial caught inside its run resumed from its
# checkpoint, epoch logs continuous, and every accuracy equal to that of the same sweep run
# without interruption. Each kill waits for an observed state: a trial process that has
# checkpointed an epoch and has epochs left, stopped (SIGSTOP) so it cannot finish first.
. "$2"
cd "$WORK"
write_run_config e.yaml 6
sed -i 's/^  epochs: .*/  epochs:        6/' e.yaml
"$HIA" run e.yaml -j 2 --store ref.sqlite > ref.log 2>&1 || fail "reference run: $(cat ref.log)"
caught_ids=""
kills=0
while [ $kills -lt 12 ]; do
    "$HIA" run e.yaml -j 2 > "run$kills.log" 2>&1 &
    pid=$!
    if ! caught=$(freeze_in_trial $pid 6); then
        wait $pid || fail "run $kills: $(cat "run$kills.log")"
        break # the sweep ended: nothing left to interrupt
    fi
    kill -KILL $pid
    wait $pid 2>/dev/null || true
    caught_ids="$caught_ids $(echo "$caught" | awk '{ n = split($2, p, "/"); printf "%s ", p[n] }')"
    kills=$((kills + 1))
done
echo "kills inside a trial: $kills; trials caught:$caught_ids"
[ $kills -ge 1 ] || fail "no kill landed inside a trial"
"$HIA" run e.yaml -j 2 > last.log 2>&1 || fail "the last run: $(cat last.log)"
"$HIA" export results/e2e-run.sqlite > t.csv
"$HIA" export ref.sqlite > ref.csv
"$HIA" export results/e2e-run.sqlite --format json > t.json
[ "$(wc -l < t.csv)" = 7 ] || fail "not 6 trials"
[ -z "$(csv_column t.csv status | grep -v -x -e done -e diverged)" ] || fail "not all ended"
[ "$(csv_column t.csv number | sort -n | tr '\n' ' ')" = "0 1 2 3 4 5 " ] || fail "trials lost"
[ "$(csv_column t.csv id | sort -u | wc -l)" = 6 ] || fail "ids not unique"
[ "$(csv_column t.csv config_hash | sort -u | wc -l)" = 6 ] || fail "configurations repeat"
for id in $caught_ids; do
    from=$(awk -F, -v id="$id" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                                $c["id"] == id { print $c["resumed_from"] }' t.csv)
    [ "${from:-0}" -gt 0 ] || fail "trial $id was killed after a checkpoint but not resumed from it"
done
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
