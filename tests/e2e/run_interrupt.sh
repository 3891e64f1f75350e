# Interruptions: SIGINT and SIGTERM stop a sweep cleanly (running trials go back to pending), a trial
# process killed by the kernel is recorded as a failure and retried, and the sweep continues
# to the end.
. "$2"
cd "$WORK"
write_run_config e.yaml 4
# stop_with SIGNAL STATUS: a sweep with trials running stops on SIGNAL with STATUS, says so,
# and leaves no trial running
stop_with() {
    "$HIA" run e.yaml -j 2 > "$1.log" 2>&1 &
    pid=$!
    i=0
    until [ "$("$HIA" status e.yaml --json 2>/dev/null | json_get running)" = 2 ]; do
        i=$((i + 1)); [ $i -lt 200 ] || fail "$1: no trials started"; sleep 0.05
    done
    kill -"$1" $pid
    set +e
    wait $pid
    rc=$?
    set -e
    [ "$rc" = "$2" ] || fail "SIG$1: exit status $rc, expected $2 ($(cat "$1.log"))"
    grep -q "stopped by SIG$1" "$1.log" || fail "SIG$1: no message: $(cat "$1.log")"
    st=$("$HIA" status e.yaml --json)
    [ "$(echo "$st" | json_get running)" = 0 ] || fail "SIG$1 left trials running: $st"
}
stop_with INT 130
stop_with TERM 143

# a trial's process dies (as under the OOM killer): recorded, retried, the sweep goes on
"$HIA" run e.yaml -j 1 > run2.log 2>&1 &
pid=$!
killed=0
while [ $killed = 0 ]; do
    kill -0 $pid 2>/dev/null || fail "the sweep ended before a trial could be killed"
    child=$(pgrep -P $pid | head -n 1 || true)
    if [ -n "$child" ] && kill -KILL "$child" 2>/dev/null; then
        killed=1
    fi
    sleep 0.02
done
wait $pid || fail "the sweep did not survive a killed trial: $(cat run2.log)"
cat run2.log
grep -q "killed by signal 9" run2.log || fail "the kill is not reported"
"$HIA" export results/e2e-run.sqlite > t.csv
[ -z "$(csv_column t.csv status | grep -v -x -e done -e diverged)" ] || fail "not all ended well"
[ "$(csv_column t.csv failures | sort -n | tail -n 1)" = 1 ] || fail "the failure is not counted"
