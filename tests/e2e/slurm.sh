# A 3-task Slurm job array (hia slurm --submit) on an 8-trial sweep sharing one PostgreSQL
# store (the script checked first, and bad stores refused), on a single-node cluster of 2 CPUs: two workers run, the third waits for a CPU. Both
# running workers' trials are held inside their run (HIA_PAUSE_IN_TRIAL), hia status shows
# each worker's Slurm job and task, and one task is scancelled: its trial goes back and the
# third task resumes it from its checkpoint. Every trial ends exactly once, by two workers or
# more.
. "$2"
pg_start
slurm_start
cd "$WORK"
write_run_config e.yaml 8 "keep: final"

# refused, exit status 1: a store that is not PostgreSQL, a URI with a password, a server that
# cannot be reached
for bad in results/x.sqlite "postgresql://pw:right@/hia?host=$PG_SOCK" \
    "postgresql://postgres@/hia?host=$WORK/nowhere"; do
    set +e
    "$HIA" slurm e.yaml --store "$bad" --array 2 > bad.out 2> bad.err
    rc=$?
    set -e
    [ "$rc" = 1 ] && [ ! -s bad.out ] || fail "--store $bad: status $rc, $(cat bad.out bad.err)"
    ! grep -q right bad.err || fail "the password is shown: $(cat bad.err)"
done
# the script: a worker per task, its trials and threads from --cpus-per-task, absolute paths
"$HIA" slurm e.yaml --store "$PG_URI" --array 4 --cpus-per-task 2 --time 1:00:00 \
    --models shared > s.sh || fail "hia slurm: $(cat s.sh)"
grep -q -x -F -e "exec '$HIA' run '$WORK/e.yaml' --store '$PG_URI' -j 2 --threads 2 --models '$WORK/shared'" s.sh ||
    fail "the worker's command: $(cat s.sh)"
for line in "#SBATCH --array=0-3" "#SBATCH --cpus-per-task=2" "#SBATCH --time=1:00:00" \
    "#SBATCH --requeue" "#SBATCH --chdir=$WORK" "#SBATCH --signal=B:TERM@60"; do
    grep -q -x -F -e "$line" s.sh || fail "no '$line' in $(cat s.sh)"
done

# held: the trial processes of the sweep stopped inside their trial, as "PID DIR"
held() {
    for p in /proc/[0-9]*; do
        log=$(readlink "$p/fd/2" 2> /dev/null || true)
        case "$log" in
        "$WORK"/models/e2e-run/*/log.txt) if stopped "${p#/proc/}"; then
            echo "${p#/proc/} ${log%/log.txt}"; fi ;;
        esac
    done
}
# array_running: true while a task of the array is in the queue
array_running() {
    [ -n "$(squeue -h -j "$job" 2> /dev/null)" ]
}
# trial_status ID: the trial's status in the store
trial_status() {
    "$HIA" export "$PG_URI" > now.csv
    awk -F, -v id="$1" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                        $c["id"] == id { print $c["status"] }' now.csv
}

: > "$HIA_PAUSE_IN_TRIAL.all" # every trial stops after its first checkpoint, until removed
"$HIA" slurm e.yaml --store "$PG_URI" --array 3 --cpus-per-task 1 --submit > job.txt \
    2> submit.log || fail "hia slurm --submit: $(cat submit.log)"
job=$(cat job.txt)
grep -q -x -e "#SBATCH --array=0-2" results/e2e-run-slurm.sh || fail "not a 3-task array"
until [ "$(held | wc -l)" -ge 2 ]; do
    array_running || fail "the array ended before two trials were held: $(cat results/*.log)"
    sleep 0.1 # how often the state is polled; no outcome depends on it
done
rm "$HIA_PAUSE_IN_TRIAL.all"
a=$(held | head -n 1)
b=$(held | sed -n 2p)
a_kid=${a%% *}
b_kid=${b%% *}
a_trial=$(basename "${a#* }")
a_pid=$(proc_field "$a_kid" 2)
b_pid=$(proc_field "$b_kid" 2)
[ "$a_pid" != "$b_pid" ] || fail "both held trials belong to one worker"

# hia status: two live workers, each with its Slurm job and task and its running trial
"$HIA" status "$PG_URI" --json > status.json
a_task=$(python3 - "$job" "$a_pid" "$b_pid" "$a_trial" <<'PY'
import json, sys
job, a_pid, b_pid, a_trial = sys.argv[1:]
w = {x["worker"].rsplit(":", 1)[1]: x for x in json.load(open("status.json"))["workers"]}
assert set(w) == {a_pid, b_pid}, w
assert all(x["slurm_job"] == job for x in w.values()), w
assert w[a_pid]["slurm_task"] != w[b_pid]["slurm_task"], w
assert [r["id"] for r in w[a_pid]["running"]] == [int(a_trial)], w
print(w[a_pid]["slurm_task"])
PY
) || fail "hia status: $(cat status.json)"
"$HIA" status "$PG_URI" | grep -q "(Slurm job $job task $a_task): 1 at a time" ||
    fail "hia status does not show the Slurm task: $("$HIA" status "$PG_URI")"

scancel "${job}_$a_task"
until trial_status "$a_trial" | grep -q -x -e done -e diverged; do
    array_running || fail "the array ended with trial $a_trial unfinished: $(cat results/*.log)"
    sleep 0.1
done
kill -CONT "$b_kid"
while array_running; do sleep 0.1; done

cat results/e2e-run-*.log
grep -q "stopped by SIGTERM" "results/e2e-run-${job}_$a_task.log" ||
    fail "the cancelled worker did not stop on SIGTERM"
"$HIA" export "$PG_URI" > t.csv
"$HIA" export "$PG_URI" --format json > t.json
[ "$(wc -l < t.csv)" = 9 ] || fail "not 8 trials"
[ -z "$(csv_column t.csv status | grep -v -x -e done -e diverged)" ] || fail "not all ended"
[ "$(csv_column t.csv number | sort -n | tr '\n' ' ')" = "0 1 2 3 4 5 6 7 " ] || fail "lost"
[ "$(csv_column t.csv worker | sort -u | wc -l)" -ge 2 ] || fail "fewer than two workers"
row=$(awk -F, -v id="$a_trial" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      $c["id"] == id { print $c["resumed_from"], $c["worker"] }' t.csv)
[ "${row%% *}" -ge 1 ] || fail "the cancelled trial did not resume from its checkpoint: $row;
its log: $(cat "models/e2e-run/$a_trial/log.txt")"
case "${row#* }" in *":$a_pid") fail "the cancelled worker finished its trial: $row" ;; esac
# each trial's epoch log is 1..epochs_done once: no trial trained twice
logs=$(grep -o '"epochs_done":[0-9]*\|"epoch":[0-9]*' t.json | awk -F: '
    /epochs_done/ { if (NR > 1 && seen != want) bad = 1; want = $2; seen = 0; next }
    { seen++; if ($2 != seen) bad = 1 }
    END { if (seen != want) bad = 1; print bad ? "broken" : "continuous" }')
[ "$logs" = continuous ] || fail "an epoch log has a gap or a repeat"
