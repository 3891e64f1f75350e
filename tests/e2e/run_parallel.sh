# Two `hia run` started by hand on the same experiment share its trials: every trial is
# trained exactly once, by one of them. With keep: final each trial's files stay. Both take
# part whatever the load: the first run's trial is held (SIGSTOP) until the second run's first
# trial has stopped itself after its first checkpoint (observed, never timed), then both go on.
. "$2"
cd "$WORK"
write_run_config e.yaml 6 "keep: final"
# one trial at a time: with two, one could end as freeze_in_trial stops the other, and the run
# would start the next and go on claiming trials while the second run starts
"$HIA" run e.yaml -j 1 > a.log 2>&1 &
a=$!
freeze_in_trial $a 3 > /dev/null || fail "first run ended before its trial was held: $(cat a.log)"
# the second run's trials stop themselves while its own token exists; one at a time (-j 1), so
# none can stop itself after the token is gone and the held one set going
: > "$WORK/second.all"
HIA_PAUSE_IN_TRIAL=$WORK/second "$HIA" run e.yaml -j 1 > b.log 2>&1 &
b=$!
wait_held $b 1 || fail "second run ended without a trial held: $(cat b.log)"
rm "$WORK/second.all"
# the second run's held trial, and every trial of the first (its held one and those
# freeze_in_trial stopped)
kill -CONT $(held_trials $b | cut -d' ' -f1) $(trial_kids $a | cut -d' ' -f1)
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
