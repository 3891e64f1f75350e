# A start that fails makes nothing: hia run checks the file (every value against what the
# trainer takes), every dataset (its files there, its counts within its splits) and the draw
# of the configurations before it makes a folder or a store, so the corrected file then runs
# (a store left by a failed start would refuse it as changed). A trial's process that cannot
# be started (no file descriptor left for its pipe) is a fault of the machine, exit 3, and the
# command to run again repeats every option given, quoted for the shell.
. "$2"
cd "$WORK"
DESC=$(cd "$(dirname "$2")/../../datasets" && pwd)
write_run_config e.yaml 1

refused() { # refused NAME FRAGMENT: `hia run NAME.yaml` exits 1 naming FRAGMENT, makes nothing
    set +e
    "$HIA" run "$1.yaml" -j 1 > "$1.log" 2>&1
    rc=$?
    set -e
    [ "$rc" = 1 ] || fail "$1: exit status $rc, expected 1: $(cat "$1.log")"
    grep -qF -- "$2" "$1.log" || fail "$1: the message lacks '$2': $(cat "$1.log")"
    [ ! -e results ] && [ ! -e models ] || fail "$1: a failed start left $(ls -d results models 2>/dev/null)"
}
sed 's/^  epochs: .*/  epochs: -1/' e.yaml > epochs.yaml
refused epochs "epochs.yaml:18:11: 'epochs' value -1: must be a whole number in 1..100000"
sed 's/^trials: 1/trials: 1000000000000000000/' e.yaml > trials.yaml
refused trials "trials.yaml:3:9: 'trials' must be at most 100000"
sed 's/^threads: 2/threads: 1000000/' e.yaml > threads.yaml
refused threads "threads.yaml:4:10: 'threads' must be at most 4096"
sed "s/^experiment: e2e-run/experiment: ''/" e.yaml > noname.yaml
refused noname "noname.yaml:1:13: 'experiment' must not be empty"
sed 's/train: 640/train: 100000000/' e.yaml > big.yaml
refused big "big.yaml:6:5: dataset 'fashion-mnist': train + validation = 100000160, but the training split has 60000 images"
# a second dataset whose files are missing: refused before the first one's trials run
mkdir ds
cp "$DESC/fashion-mnist.yaml" ds/
sed "s/^name: fashion-mnist/name: gone/; s|^path: .*|path: $WORK/gone|" ds/fashion-mnist.yaml > ds/gone.yaml
sed 's/^  - {name: fashion-mnist.*/&\n  - {name: gone, train: 640, validation: 160, test: 200}/' e.yaml > gone.yaml
export HIA_DATASETS="$WORK/ds"
refused gone "gone.yaml:7:5: dataset 'gone': its files are not all in $WORK/gone"
unset HIA_DATASETS
# a space with one configuration cannot give two trials
sed 's/^trials: 1/trials: 2/; s/^  conv_layers: .*/  conv_layers: {type: int, low: 1, high: 1}/; s/^  filters: .*/  filters: 4/; s/^  activation: .*/  activation: relu/; s/^  batch_norm: .*/  batch_norm: true/; s/^  dense_units: .*/  dense_units: 16/; s/^  dropout: .*/  dropout: 0/; s/^  optimizer: .*/  optimizer: adam/; s/^  learning_rate: .*/  learning_rate: 0.01/' \
    e.yaml > small.yaml
refused small "the space has fewer than 2 distinct configurations"
"$HIA" run e.yaml -j 1 > ok.log 2>&1 || fail "the corrected file: exit status $?: $(cat ok.log)"
rm -rf results models

# With too few file descriptors the trial's pipe cannot be made: exit 3, the trial pending, and
# the hint repeats -j, --threads, --models (a path with a space and a quote), --lease and
# --store (as a message may show it: never a password, which a store URI cannot hold). The
# limit that leaves room for everything before the pipe but not for it is searched, from below
# (a lower one fails earlier, a higher one trains the trial).
models="$WORK/my models'"
hint="run \`hia run e.yaml -j 1 --threads 1 --models '$WORK/my models'\\''' --lease=30 --store=s.sqlite\` once it is fixed"
met=0
for n in 5 6 7 8 9 10 11 12; do
    set +e
    sh -c 'ulimit -n $0 && exec "$@"' $n "$HIA" run e.yaml -j 1 --threads 1 --models "$models" \
        --lease=30 --store=s.sqlite > fd.log 2>&1
    rc=$?
    set -e
    [ "$rc" != 0 ] || break
    if grep -q "cannot start trial 1: pipe: Too many open files" fd.log; then
        met=1
        [ "$rc" = 3 ] || fail "a trial that cannot be started: exit status $rc, expected 3: $(cat fd.log)"
        grep -qF -- "$hint" fd.log || fail "the hint does not repeat the command: $(cat fd.log)"
        # read back by the shell, the hint gives the same words
        cmd=$(sed -n 's/.*run `hia run \(.*\)` once it is fixed.*/\1/p' fd.log)
        eval "set -- $cmd"
        [ "$#" = 9 ] && [ "$7" = "$models" ] || fail "the hint's words: $cmd"
        [ "$("$HIA" status s.sqlite --json | json_get pending)" = 1 ] || fail "the trial is not pending"
    fi
done
[ $met = 1 ] || fail "no file descriptor limit met the trial's pipe"
