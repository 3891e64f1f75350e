# A worker of one host dies inside a trial; once its lease has run out (seen in the store, on
# the server's clock), a worker of another host takes the trial over and resumes it from its
# checkpoint in the shared models folder.
. "$2"
pg_start
cd "$WORK"
mkdir -p shared
write_run_config e.yaml 1 "keep: final"
HIA_HOST=alpha "$HIA" run e.yaml --store "$PG_URI" --models shared --lease 2 > alpha.log 2>&1 &
alpha=$!
caught=$(freeze_in_trial $alpha 3) || fail "alpha ended before its trial was caught"
kill -KILL $alpha
kill -KILL $(echo "$caught" | cut -d' ' -f1) 2>/dev/null || true
wait $alpha || true
psql() { runuser -u postgres -- /usr/lib/postgresql/15/bin/psql -h "$PG_SOCK" -At -c "$1" hia; }
[ "$(psql "SELECT worker LIKE 'alpha:%' FROM trials WHERE status = 'running'")" = t ] ||
    fail "alpha's trial is not running in the store"
# the lease runs out on the server's clock; wait for that state, not for a time
until [ "$(psql "SELECT lease_until < extract(epoch from clock_timestamp()) FROM trials")" = t ]; do
    sleep 0.2 # a poll interval; the outcome does not depend on it
done
HIA_HOST=beta "$HIA" run e.yaml --store "$PG_URI" --models shared > beta.log 2>&1 ||
    fail "beta exited $?: $(cat beta.log)"
grep -q ": done" beta.log || fail "beta did not finish alpha's trial: $(cat beta.log)"
grep -q "resumed after epoch" shared/e2e-run/1/log.txt ||
    fail "the trial did not resume from alpha's checkpoint: $(cat shared/e2e-run/1/log.txt)"
[ "$(psql "SELECT attempts FROM trials")" = 2 ] || fail "not two attempts"
