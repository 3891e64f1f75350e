# hia status on a running sweep: the live worker with its host, Slurm job and task, the
# trial it is running, and an ETA; once the sweep ends, no worker is live.
. "$2"
cd "$WORK"
write_run_config e.yaml 6
SLURM_ARRAY_JOB_ID=41 SLURM_ARRAY_TASK_ID=2 SLURM_JOB_ID=44 HIA_HOST=alpha \
    "$HIA" run e.yaml -j 1 > run.log 2>&1 &
pid=$!
caught=$(freeze_in_trial "$pid" 3) || fail "the sweep ended before a trial was caught"
trial=$(basename "$(echo "$caught" | head -n 1 | cut -d' ' -f2)")
st=$("$HIA" status e.yaml --json) || fail "status exited $?"
for k in worker:alpha:$pid host:alpha slurm_job:41 slurm_task:2 jobs:1 id:$trial; do
    echo "$st" | grep -q "\"${k%%:*}\":\"\{0,1\}${k#*:}\"\{0,1\}[,}]" || fail "status lacks ${k%%:*} ${k#*:}: $st"
done
"$HIA" status e.yaml | grep -q "alpha:$pid (Slurm job 41 task 2): 1 at a time.*running trial $trial " ||
    fail "status text: $("$HIA" status e.yaml)"
kill -CONT $(trial_kids "$pid" | cut -d' ' -f1) 2>/dev/null || true
wait "$pid" || fail "hia run exited $?: $(cat run.log)"
grep -q "worker alpha:$pid (Slurm job 41 task 2)" run.log || fail "the start line lacks the worker: $(head -n 1 run.log)"
st=$("$HIA" status e.yaml --json)
[ "$(echo "$st" | grep -o '"workers":\[\]')" = '"workers":[]' ] || fail "a worker is still live after the sweep: $st"
"$HIA" status e.yaml | grep -q "0 live worker" || fail "status text after the sweep"
