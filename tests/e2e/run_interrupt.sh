# Interruptions: SIGINT and SIGTERM stop a sweep cleanly (running trials go back to pending), a trial
# process killed by the kernel is recorded as a failure and retried, and the sweep continues
# to the end. Each signal is sent while a trial is inside its run, held there by SIGSTOP.
. "$2"
cd "$WORK"
write_run_config e.yaml 4
# stop_with SIGNAL STATUS: a sweep with a trial inside its run stops on SIGNAL with STATUS, says
# so, and leaves no trial running
stop_with() {
    "$HIA" run e.yaml -j 2 > "$1.log" 2>&1 &
    pid=$!
    caught=$(freeze_in_trial $pid 3) || fail "SIG$1: the sweep ended before a trial was caught"
    kill -"$1" $pid
    kill -CONT $(pgrep -P $pid) 2>/dev/null || true
    set +e
    wait $pid
    rc=$?
    set -e
    [ "$rc" = "$2" ] || fail "SIG$1: exit status $rc, expected $2 ($(cat "$1.log"))"
    grep -q "stopped by SIG$1; run \`hia run e.yaml -j 2\` again" "$1.log" ||
        fail "SIG$1: no message with the command that continues: $(cat "$1.log")"
    st=$("$HIA" status e.yaml --json)
    [ "$(echo "$st" | json_get running)" = 0 ] || fail "SIG$1 left trials running: $st"
}
stop_with INT 130
stop_with TERM 143

# a trial's process dies (as under the OOM killer): recorded, retried, the sweep goes on
"$HIA" run e.yaml -j 1 > run2.log 2>&1 &
pid=$!
caught=$(freeze_in_trial $pid 3) || fail "the sweep ended before a trial could be killed"
kill -KILL $(echo "$caught" | cut -d' ' -f1)
kill -CONT $(pgrep -P $pid) 2>/dev/null || true
wait $pid || fail "the sweep did not survive a killed trial: $(cat run2.log)"
cat run2.log
grep -q "killed by signal 9" run2.log || fail "the kill is not reported"
"$HIA" export results/e2e-run.sqlite > t.csv
[ -z "$(csv_column t.csv status | grep -v -x -e done -e diverged)" ] || fail "not all ended well"
[ "$(csv_column t.csv failures | sort -n | tail -n 1)" = 1 ] || fail "the failure is not counted"
