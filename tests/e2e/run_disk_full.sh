# A fault of the machine is not a fault of the trial: with models/ on a full disk (a 32 KB
# tmpfs, or, where mounting is not allowed, checkpoints that write into /dev/full) the sweep
# stops at the first checkpoint with exit status 3 and a message naming the path, the trial
# goes back to pending with no failure counted, and once the disk has room the same command
# runs the sweep to the end. A store on a file system that turned read-only stops it too.
. "$2"
cd "$WORK"
write_run_config e.yaml 4
mkdir models
if mount -t tmpfs -o size=32k hia-e2e-full models 2>/dev/null; then
    mounted=1
    at_exit 'umount "$WORK/models" "$WORK/ro" 2>/dev/null || true'
else
    mounted=0
    echo "mount not allowed: checkpoints written into /dev/full instead"
    for id in 1 2 3 4; do
        mkdir -p models/e2e-run/$id
        ln -s /dev/full models/e2e-run/$id/checkpoint.tmp
    done
fi
# one at a time (-j 1): trial 1 meets the full disk first
expect_fault e.yaml results/e2e-run.sqlite "models/e2e-run/1/checkpoint.*No space left on device" 4 -j 1

# a disk so full that not even a trial's net.cfg fits: hia run itself stops, the same way
if [ $mounted = 1 ]; then
    dd if=/dev/zero of=models/filler bs=1k count=64 2>/dev/null || true
    set +e
    "$HIA" run e.yaml -j 1 > fuller.log 2>&1
    rc=$?
    set -e
    [ "$rc" = 3 ] || fail "a full disk before any trial: exit status $rc: $(cat fuller.log)"
    grep -q "models/e2e-run/1/net.cfg.*No space left on device" fuller.log ||
        fail "the message does not name net.cfg: $(cat fuller.log)"
    [ "$("$HIA" status e.yaml --json | json_get pending)" = 4 ] || fail "a trial left pending"
    rm models/filler
fi

# the disk is freed: the same command resumes and ends every trial
if [ $mounted = 1 ]; then
    mount -o remount,size=64m models
else
    rm -f models/e2e-run/*/checkpoint.tmp
fi
"$HIA" run e.yaml > resumed.log 2>&1 || fail "after freeing the disk: exit $?: $(cat resumed.log)"
st=$("$HIA" status e.yaml --json)
[ "$(echo "$st" | json_get done)" = 4 ] || fail "after freeing the disk not every trial ended: $st"

[ $mounted = 1 ] || exit 0
# a store whose file system turned read-only
write_run_config ro.yaml 2
sed -i 's/^experiment: e2e-run/experiment: ro/' ro.yaml
mkdir ro
mount -t tmpfs -o size=8m hia-e2e-ro ro
"$HIA" run ro.yaml --store ro/s.sqlite > /dev/null 2>&1 || fail "the store's first run failed"
mount -o remount,ro ro
set +e
"$HIA" run ro.yaml --store ro/s.sqlite > ro.log 2>&1
rc=$?
set -e
cat ro.log
[ "$rc" = 3 ] || fail "a read-only store: exit status $rc, expected 3"
grep -q "ro/s.sqlite" ro.log || fail "the message does not name the store"
