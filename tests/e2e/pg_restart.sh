# The PostgreSQL server restarted in the middle of a sweep: the worker says so, waits,
# reconnects and goes on; every trial ends done once, none lost or written twice.
. "$2"
pg_start
cd "$WORK"
write_run_config e.yaml 8
"$HIA" run e.yaml --store "$PG_URI" --lease 4 > run.log 2>&1 &
pid=$!
freeze_in_trial "$pid" 3 > /dev/null || fail "the sweep ended before a trial was caught"
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$PG_SOCK/data" -m fast -w restart \
    -o "-k $PG_SOCK -c listen_addresses=''" > /dev/null || fail "restart: $(cat "$PG_SOCK/log")"
kill -CONT $(trial_kids "$pid" | cut -d' ' -f1) 2>/dev/null || true
wait "$pid" || fail "hia run exited $?: $(cat run.log)"
grep -q "lost the connection to the store" run.log || fail "the worker did not say so: $(cat run.log)"
grep -q "reconnected to the store after" run.log || fail "no reconnection: $(cat run.log)"
[ "$(grep -c '^\[[0-9]/8\] trial' run.log)" = 8 ] || fail "not one line per trial: $(cat run.log)"
[ "$(grep -o 'trial [0-9]* (' run.log | sort | uniq -d)" = "" ] || fail "a trial finished twice: $(cat run.log)"
st=$("$HIA" status "$PG_URI" --json)
[ "$(echo "$st" | json_get done)" = 8 ] || fail "not 8 done: $st"
n=$(runuser -u postgres -- /usr/lib/postgresql/15/bin/psql -h "$PG_SOCK" -At \
    -c "SELECT count(*) FROM epochs" hia)
[ "$n" = 24 ] || fail "$n epochs stored, expected 8 trials x 3"
