# Helpers of hia's end-to-end tests: each test is a shell script run as
#   sh TEST.sh HIA LIB
# with HIA the hia binary; it exits non-zero on the first failed assertion.
set -eu
HIA=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
WORK=$(mktemp -d /tmp/hia-e2e-XXXXXX)
# at_exit CMD: CMD runs when the test exits, before the commands given earlier
AT_EXIT=""
at_exit() {
    AT_EXIT="$1; $AT_EXIT"
}
# end_strays: kills (SIGKILL: stopped ones too) every process but this shell that works in
# $WORK (its working directory or its stderr there) once the test's own at_exit commands have
# run: what a test started and did not end, such as the trials it held when an assertion
# failed, or a Slurm job's trials. Says so on stderr: a test that passes leaves none.
end_strays() {
    for proc in /proc/[0-9]*; do
        stray=${proc#/proc/}
        [ "$stray" != $$ ] || continue
        where="$(readlink "$proc/cwd" 2>/dev/null || true) $(readlink "$proc/fd/2" 2>/dev/null || true)"
        case "$where" in
        "$WORK "* | "$WORK/"* | *" $WORK/"*)
            echo "ending process $stray left behind: $(tr '\0' ' ' < "$proc/cmdline" 2>/dev/null)" >&2
            kill -KILL "$stray" 2>/dev/null || true ;;
        esac
    done
}
# whatever ends the test (an assertion, a signal such as meson's timeout), its at_exit commands
# all run (one that fails does not stop the others) and nothing it started outlives it
trap 'set +e; eval "$AT_EXIT"; end_strays; rm -rf "$WORK"' EXIT
trap 'exit 1' HUP INT TERM
# freeze_in_trial's token files are named after this, one per `hia run`
export HIA_PAUSE_IN_TRIAL="$WORK/pause"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# json_get KEY: the first value of KEY in the JSON on stdin (numbers and strings, unquoted)
json_get() {
    grep -o "\"$1\":\(\"[^\"]*\"\|[^,}]*\)" | head -n 1 | cut -d: -f2- | tr -d '"'
}

# json_all KEY: every value of KEY, one per line
json_all() {
    grep -o "\"$1\":[^,}]*" | cut -d: -f2-
}

# at_least A B: A >= B as numbers
at_least() {
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'
}

# write_config FILE TRAIN VALIDATION TEST [LR_HIGH]: the study's 11 hyperparameters on
# Fashion-MNIST, wide enough for every value the tests set.
write_config() {
    cat > "$1" <<YAML
experiment: e2e
seed: 7
trials: 1
datasets:
  - {name: fashion-mnist, train: $2, validation: $3, test: $4}
space:
  conv_layers:   {type: int, low: 1, high: 3}
  filters:       {type: categorical, choices: [8, 16, 32, 64], per_layer: true}
  kernel_size:   {type: categorical, choices: [3, 5], per_layer: true}
  activation:    {type: categorical, choices: [relu, tanh]}
  batch_norm:    {type: categorical, choices: [true, false]}
  dense_units:   {type: int, low: 16, high: 256}
  dropout:       {type: float, low: 0.0, high: 0.5}
  optimizer:     {type: categorical, choices: [sgd, momentum, adam, rmsprop, adagrad]}
  learning_rate: {type: float, low: 1.0e-4, high: ${5:-0.1}, log: true}
  batch_size:    {type: categorical, choices: [32, 64]}
  epochs:        {type: int, low: 1, high: 3}
YAML
}

# write_run_config FILE TRIALS [EXTRA]: a small sweep on Fashion-MNIST whose trials take about
# a second each with one thread; EXTRA lines are appended at the top level.
write_run_config() {
    cat > "$1" <<YAML
experiment: e2e-run
seed: 3
trials: $2
threads: 2
datasets:
  - {name: fashion-mnist, train: 640, validation: 160, test: 200}
space:
  conv_layers:   {type: int, low: 1, high: 2}
  filters:       {type: categorical, choices: [4, 8], per_layer: true}
  kernel_size:   3
  activation:    {type: categorical, choices: [relu, tanh]}
  batch_norm:    {type: categorical, choices: [true, false]}
  dense_units:   {type: int, low: 16, high: 32}
  dropout:       {type: float, low: 0.0, high: 0.3}
  optimizer:     {type: categorical, choices: [adam, momentum]}
  learning_rate: {type: float, low: 1.0e-3, high: 1.0e-2, log: true}
  batch_size:    32
  epochs:        3
${3:-}
YAML
}

# csv_column FILE NAME: the values of column NAME of a CSV export (no quoted commas there)
csv_column() {
    awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                          { print $c }' "$1"
}

# expect_fault CONFIG STORE PATTERN PENDING [ARGS...]: `hia run CONFIG ARGS` meets a fault of
# the machine: exit status 3, a message matching PATTERN that says the trial is pending again,
# PENDING trials pending and none failed or running, and no failure counted in STORE. Its
# output in fault.log.
expect_fault() {
    config=$1 store=$2 pattern=$3 pending=$4
    shift 4
    set +e
    "$HIA" run "$config" "$@" > fault.log 2>&1
    rc=$?
    set -e
    cat fault.log
    [ "$rc" = 3 ] || fail "$pattern: exit status $rc, expected 3"
    grep -q "$pattern" fault.log || fail "the message does not match '$pattern'"
    grep -q "pending again" fault.log || fail "the message does not say the trial is pending again"
    st=$("$HIA" status "$config" --json)
    for k in pending:$pending failed:0 running:0 done:0; do
        [ "$(echo "$st" | json_get "${k%%:*}")" = "${k#*:}" ] || fail "$pattern: ${k%%:*} is not ${k#*:}: $st"
    done
    "$HIA" export "$store" > fault.csv
    [ "$(csv_column fault.csv failures | sort -u)" = 0 ] || fail "$pattern was counted as a trial failure"
}

# running PID: true while process PID runs (an exited child not yet waited for does not)
running() {
    state=$(proc_field "$1" 1)
    [ -n "$state" ] && [ "$state" != Z ]
}

# proc_field PID N: field N of /proc/PID/stat counted after the command name (1 the state,
# 2 the parent's pid), empty when there is no such process
proc_field() {
    awk -v n="$2" '{ sub(/^.*\) /, ""); print $n }' "/proc/$1/stat" 2>/dev/null || true
}

# trial_kids PID: the trial processes of the `hia run` PID, each as "CHILD DIR" (the trial's
# folder, from the log its stderr is open on)
trial_kids() {
    for kid in $(pgrep -P "$1" || true); do
        log=$(readlink "/proc/$kid/fd/2" 2>/dev/null || true)
        case "$log" in */log.txt) echo "$kid ${log%/log.txt}" ;; esac
    done
}

# mid_trial DIR EPOCHS: true when the trial in DIR has a checkpoint and its current attempt has
# logged an epoch below EPOCHS: it is inside the trial, with epochs still to train
mid_trial() {
    [ -f "$1/checkpoint" ] || return 1
    awk -v n="$2" '/ attempt [0-9]+$/ { e = 0 } /^epoch / { split($2, f, "/"); e = f[1] }
                   END { exit !(e >= 1 && e < n) }' "$1/log.txt" 2>/dev/null
}

# those_mid_trial EPOCHS: the "CHILD DIR" lines on stdin whose trial is mid_trial
those_mid_trial() {
    while read -r kid dir; do
        if mid_trial "$dir" "$1"; then echo "$kid $dir"; fi
    done
}

# stopped PID: true when process PID is stopped (state T)
stopped() {
    [ "$(proc_field "$1" 1)" = T ]
}

# held_trials PID: the trial processes of the `hia run` PID that are stopped, as "CHILD DIR"
held_trials() {
    trial_kids "$1" | while read -r kid dir; do
        if stopped "$kid"; then echo "$kid $dir"; fi
    done
}

# wait_held PID N: waits until N trial processes of the `hia run` PID have stopped (trials that
# stop themselves: HIA_PAUSE_IN_TRIAL's PREFIX.all); returns 1 if PID ends first
wait_held() {
    while [ "$(held_trials "$1" | wc -l)" -lt "$2" ]; do
        running "$1" || return 1
        sleep 0.01 # how often the state is polled; no outcome depends on it
    done
}

# freeze_in_trial PID EPOCHS: asks one trial process of the `hia run` PID to stop itself inside
# its trial (after a checkpoint, with epochs left: HIA_PAUSE_IN_TRIAL in src/sweep/runner.c),
# waits until one has, stops (SIGSTOP) every other trial process of PID, and prints those
# caught inside their trial (mid_trial) as "CHILD DIR". Returns 1 if PID ends first. With
# several trials at a time, one may end just before the others are stopped, and PID starts
# another that runs on: a test that needs PID to claim no more trials runs it at -j 1.
freeze_in_trial() {
    token=$HIA_PAUSE_IN_TRIAL.$1
    : > "$token"
    while running "$1"; do
        if [ ! -e "$token" ]; then
            kids=$(trial_kids "$1")
            for kid in $(echo "$kids" | cut -d' ' -f1); do
                if stopped "$kid"; then
                    kill -STOP $(echo "$kids" | cut -d' ' -f1) 2>/dev/null || true
                    echo "$kids" | those_mid_trial "$2"
                    return 0
                fi
            done
        fi
        sleep 0.01 # how often the state is polled; no outcome depends on it
    done
    rm -f "$token"
    return 1
}

# pg_start: a PostgreSQL 15 server of the test's own, initdb'd into $WORK/pg and listening
# on a unix socket there only, run as the postgres user (the server refuses root); stopped
# when the test exits. Database "hia" is made; role "pw" (password "right") logs in by
# password, every other local login is trusted. Sets PG_URI (the hia database) and PG_SOCK.
pg_start() {
    bin=/usr/lib/postgresql/15/bin
    [ -x "$bin/initdb" ] || fail "PostgreSQL 15 is not installed (scripts/setup --tests installs it)"
    PG_SOCK=$WORK/pg
    mkdir -p "$PG_SOCK"
    chown postgres "$PG_SOCK" "$WORK"
    runuser -u postgres -- "$bin/initdb" -D "$PG_SOCK/data" -U postgres --auth=trust \
        > "$PG_SOCK/initdb.log" 2>&1 || fail "initdb: $(cat "$PG_SOCK/initdb.log")"
    printf 'local all pw scram-sha-256\nlocal all all trust\n' > "$PG_SOCK/data/pg_hba.conf"
    pg_ctl_start
    at_exit pg_stop
    runuser -u postgres -- "$bin/createdb" -h "$PG_SOCK" hia
    runuser -u postgres -- "$bin/psql" -h "$PG_SOCK" -q -c "CREATE ROLE pw LOGIN PASSWORD 'right'" hia
    PG_URI="postgresql://postgres@/hia?host=$PG_SOCK"
}

pg_ctl_start() {
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$PG_SOCK/data" -w -l "$PG_SOCK/log" \
        -o "-k $PG_SOCK -c listen_addresses=''" start > /dev/null || fail "postgres: $(cat "$PG_SOCK/log")"
}

pg_stop() {
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$PG_SOCK/data" -m fast -w stop \
        > /dev/null 2>&1 || true
}

# slurm_start: a single-node Slurm cluster of the test's own, this machine alone with 2 CPUs,
# from a slurm.conf generated in a temp dir; munged, slurmctld and slurmd run as root there on
# their own socket, ports and state, and are stopped when the test exits. Sets SLURM_CONF.
slurm_start() {
    command -v slurmctld > /dev/null && command -v munged > /dev/null ||
        fail "Slurm is not installed (scripts/setup --tests installs slurm-wlm and munge)"
    [ "$(nproc)" -ge 2 ] || fail "the Slurm test needs 2 CPUs"
    SL=$(mktemp -d /tmp/hia-slurm-XXXXXX)
    mkdir "$SL/munge" "$SL/state" "$SL/spool"
    chmod 700 "$SL" "$SL/munge"
    mungekey --create --keyfile="$SL/munge/munge.key" > "$SL/mungekey.log" 2>&1 ||
        fail "mungekey: $(cat "$SL/mungekey.log")"
    chmod 400 "$SL/munge/munge.key"
    munged --force --socket="$SL/munge/munge.sock" --key-file="$SL/munge/munge.key" \
        --log-file="$SL/munge/log" --pid-file="$SL/munge/pid" --seed-file="$SL/munge/seed" ||
        fail "munged: $(cat "$SL/munge/log")"
    at_exit slurm_stop
    node=$(hostname -s)
    cat > "$SL/slurm.conf" <<CONF
ClusterName=hia-test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SL/munge/munge.sock
StateSaveLocation=$SL/state
SlurmdSpoolDir=$SL/spool
SlurmctldPidFile=$SL/slurmctld.pid
SlurmdPidFile=$SL/slurmd.pid
SlurmctldLogFile=$SL/slurmctld.log
SlurmdLogFile=$SL/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 RealMemory=4000 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$SL/slurm.conf"
    slurmctld -f "$SLURM_CONF" || fail "slurmctld: $(cat "$SL/slurmctld.log")"
    slurmd -f "$SLURM_CONF" -N "$node" || fail "slurmd: $(cat "$SL/slurmd.log")"
    # the node is up once slurmctld lists it idle
    until [ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ]; do
        running "$(cat "$SL/slurmd.pid" 2>/dev/null || echo 0)" ||
            fail "slurmd ended: $(cat "$SL/slurmd.log")"
        sleep 0.1 # how often the state is polled; no outcome depends on it
    done
}

# slurm_stop: every job cancelled, the daemons stopped and waited for, their temp dir removed
slurm_stop() {
    scancel --full -u root 2> /dev/null || true
    for pidfile in "$SL/slurmd.pid" "$SL/slurmctld.pid" "$SL/munge/pid"; do
        pid=$(cat "$pidfile" 2> /dev/null || true)
        [ -z "$pid" ] || kill "$pid" 2> /dev/null || true
        while [ -n "$pid" ] && running "$pid"; do sleep 0.05; done
    done
    rm -rf "$SL"
}
