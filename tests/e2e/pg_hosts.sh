# Two workers posing as two hosts (HIA_HOST) share one PostgreSQL store; one of them is
# SIGKILLed twice while a trial of its own is inside its run, and started again each time.
# Every trial ends exactly once, both workers take part, no worker ever finds its trial taken
# (a trial claimed twice would make the second finisher fail), and a killed trial resumes
# from its checkpoint. Beta's first trial stops itself after its first checkpoint and is held
# until alpha has been caught once, so beta cannot end the sweep first, whatever the load.
. "$2"
pg_start
cd "$WORK"
write_run_config e.yaml 8 "keep: final"
: > "$WORK/beta.all"
HIA_HOST=beta HIA_PAUSE_IN_TRIAL=$WORK/beta "$HIA" run e.yaml -j 1 --store "$PG_URI" > beta.log 2>&1 &
beta=$!
wait_held $beta 1 || fail "beta ended before its first trial was held: $(cat beta.log)"
kills=0
while [ $kills -lt 2 ]; do
    HIA_HOST=alpha "$HIA" run e.yaml -j 1 --store "$PG_URI" > "alpha$kills.log" 2>&1 &
    alpha=$!
    caught=$(freeze_in_trial $alpha 3) || break # alpha ran out of trials first
    kill -KILL $alpha
    kill -CONT $(echo "$caught" | cut -d' ' -f1) 2>/dev/null || true
    wait $alpha || true
    if [ $kills = 0 ]; then # beta goes on (one trial at a time: none stops itself after this)
        rm "$WORK/beta.all"
        kill -CONT $(held_trials $beta | cut -d' ' -f1)
    fi
    kills=$((kills + 1))
done
[ $kills -ge 1 ] || fail "alpha was never caught inside a trial"
echo "alpha killed $kills times inside a trial"
HIA_HOST=alpha "$HIA" run e.yaml -j 1 --store "$PG_URI" > alpha-last.log 2>&1 ||
    fail "alpha's last run exited $?: $(cat alpha-last.log)"
wait $beta || fail "beta exited $?: $(cat beta.log)"
st=$("$HIA" status "$PG_URI" --json)
[ "$(echo "$st" | json_get done)" = 8 ] || fail "not every trial done: $st"
# every trial reported finished exactly once, across all the workers' logs
ids=$(cat alpha*.log beta.log | sed -n 's/^\[[0-9]*\/8\] trial \([0-9]*\) .*: done.*/\1/p' | sort -n)
[ "$(echo "$ids" | uniq | wc -l)" = 8 ] && [ "$(echo "$ids" | wc -l)" = 8 ] ||
    fail "trials finished other than once each: $(echo $ids)"
grep -q ': done' beta.log || fail "beta took no trial"
cat alpha*.log | grep -q ': done' || fail "alpha took no trial"
grep -l "resumed after epoch" models/e2e-run/*/log.txt > /dev/null ||
    fail "no killed trial resumed from its checkpoint"
