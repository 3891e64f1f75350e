# Two `hia run` started by hand on the same experiment share its trials: every trial is
# trained exactly once, by one of them. With keep: final each trial's files stay. The first
# run's trial is held (SIGSTOP) until the second has claimed one, so both take part.
. "$2"
cd "$WORK"
write_run_config e.yaml 6 "keep: final"
"$HIA" run e.yaml > a.log 2>&1 &
a=$!
held=$(freeze_in_trial $a 3) || fail "first run ended before its trial was held: $(cat a.log)"
"$HIA" run e.yaml > b.log 2>&1 &
b=$!
until [ -n "$(trial_kids $b)" ]; do
    running $b || fail "second run ended without training: $(cat b.log)"
    sleep 0.01 # polls for the second run's first trial
done
kill -CONT $(echo "$held" | cut -d' ' -f1)
wait $a || fail "first run: $(cat a.log)"
wait $b || fail "second run: $(cat b.log)"
cat a.log b.log
"$HIA" export results/e2e-run.sqlite > t.csv
[ "$(wc -l < t.csv)" = 7 ] || fail "not 6 trials"
[ -z "$(csv_column t.csv status | grep -v -x -e done -e diverged)" ] || fail "not all ended"
[ "$(csv_column t.csv attempts | sort -u)" = 1 ] || fail "a trial was claimed twice"
[ "$(grep -c '^\[' a.log b.log | awk -F: '{ s += $2 } END { print s }')" = 6 ] || \
    fail "the two runs did not train 6 trials between them"
[ "$(csv_column t.csv worker | sort -u | wc -l)" = 2 ] || fail "one run did all the work"
for id in $(csv_column t.csv id); do
    for f in net.cfg checkpoint log.txt; do
        [ -s "models/e2e-run/$id/$f" ] || fail "keep: final lost models/e2e-run/$id/$f"
    done
done
