# A checkpoint belongs to one trial of one store. Defect 0 of issue 24, as a new user met it: a
# 6-epoch trial on 2,000 training images stopped after epoch 2, the store deleted and the file
# changed to 500 images: the next run sets the checkpoint aside (it names the other store and
# the other data in the trial's log) and trains the trial from its first epoch; so does a run
# into another --store. Every store gets an identity, old ones on their next run. A checkpoint
# that cannot be read stops the sweep as a fault of the machine (exit 3, the trial pending, no
# failure counted); one that no longer fits the network, and a damaged one, restart their
# trial, say so in its log and the run's, and hia status lists them.
. "$2"
cd "$WORK"

# store_id STORE: the identity in an SQLite store's meta (empty: none)
store_id() {
    python3 -c 'import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("SELECT value FROM meta WHERE key = ?", ("store_id",)).fetchone()
print(row[0] if row else "")' "$1"
}
# trial_column CSV ID COLUMN: a trial's value in an export
trial_column() {
    awk -F, -v id="$2" -v col="$3" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                                    $c["id"] == id { print $c[col] }' "$1"
}

# ---- defect 0 -------------------------------------------------------------------------------
write_run_config e.yaml 1 "keep: final"
sed -i 's/train: 640,/train: 2000,/; s/^  epochs: .*/  epochs:        6/' e.yaml
"$HIA" run e.yaml -j 1 > first.log 2>&1 &
pid=$!
freeze_in_trial $pid 6 > /dev/null || fail "the first run ended before its trial was held: $(cat first.log)"
# on to the end of epoch 2: the trial stops itself again after its next checkpoint
token=$HIA_PAUSE_IN_TRIAL.$pid
: > "$token"
kill -CONT $(held_trials $pid | cut -d' ' -f1)
while [ -e "$token" ] || [ -z "$(held_trials $pid)" ]; do
    running $pid || fail "the first run ended before epoch 2: $(cat first.log)"
    sleep 0.01 # how often the state is polled; no outcome depends on it
done
kill -KILL $pid
wait $pid || true
log=models/e2e-run/1/log.txt
[ "$(grep -c '^epoch ' $log)" = 2 ] || fail "not stopped after epoch 2: $(cat $log)"
[ -s models/e2e-run/1/checkpoint ] || fail "no checkpoint after epoch 2"
first_id=$(store_id results/e2e-run.sqlite)
echo "$first_id" | grep -q -x '[0-9a-f]\{32\}' || fail "the store has no identity: '$first_id'"

rm results/e2e-run.sqlite*
sed -i 's/train: 2000,/train: 500,/' e.yaml
"$HIA" run e.yaml > second.log 2>&1 || fail "the second run exited $?: $(cat second.log)"
cat $log
"$HIA" export results/e2e-run.sqlite > t.csv
[ "$(trial_column t.csv 1 resumed_from)" = 0 ] || fail "the other store's checkpoint was resumed: $(cat t.csv)"
[ "$(trial_column t.csv 1 epochs_done)" = 6 ] || fail "not 6 epochs trained: $(cat t.csv)"
grep -q "checkpoint models/e2e-run/1/checkpoint is not this trial's: it was trained for another store" $log ||
    fail "the log does not say the checkpoint is another store's"
grep -q "it was trained on 2000/160/200 training/validation/test images, this trial on 500/160/200" $log ||
    fail "the log does not name the other data"
grep -q "set aside as models/e2e-run/1/checkpoint.foreign-[0-9T]*Z: the trial starts from its first epoch" $log ||
    fail "the log does not say where the checkpoint went"
ls models/e2e-run/1/checkpoint.foreign-* > /dev/null || fail "the checkpoint was not set aside"
! grep -q "resumed after epoch" $log || fail "a checkpoint was resumed"
# after the set-aside, epoch 1 of 6 comes first
awk '/set aside/ { on = 1; next } on && /^epoch / { print $2; exit }' $log | grep -q -x "1/6" ||
    fail "the trial did not start from its first epoch"
second_id=$(store_id results/e2e-run.sqlite)
[ -n "$second_id" ] && [ "$second_id" != "$first_id" ] || fail "a new store has the old identity"

# another --store: the same data, the same trial id, another store; its checkpoint (of 6
# epochs, kept) is set aside
"$HIA" run e.yaml --store other.sqlite > other.log 2>&1 || fail "--store other.sqlite: $(cat other.log)"
"$HIA" export other.sqlite > o.csv
[ "$(trial_column o.csv 1 resumed_from)" = 0 ] || fail "another store resumed the trial: $(cat o.csv)"
[ "$(grep -c 'it was trained for another store' $log)" = 2 ] || fail "--store: no word in the log"

# a store made before identities gets one on its next run
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM meta WHERE key = ?", ("store_id",)); c.commit()' other.sqlite
[ -z "$(store_id other.sqlite)" ] || fail "could not remove the identity"
"$HIA" run e.yaml --store other.sqlite > again.log 2>&1 || fail "a run of a finished sweep: $(cat again.log)"
store_id other.sqlite | grep -q -x '[0-9a-f]\{32\}' || fail "an old store got no identity"

# ---- a checkpoint that cannot be read: a fault of the machine ---------------------------------
write_run_config io.yaml 1
sed -i 's/^experiment: e2e-run/experiment: io/' io.yaml
mkdir -p models/io/1
ln -s /proc/self/mem models/io/1/checkpoint # reading it at offset 0 fails with EIO
expect_fault io.yaml results/io.sqlite \
    "cannot read checkpoint models/io/1/checkpoint: Input/output error" 1
rm models/io/1/checkpoint
"$HIA" run io.yaml > io2.log 2>&1 || fail "once the checkpoint is gone: $(cat io2.log)"

# ---- a checkpoint that no longer fits, and a damaged one -----------------------------------------
write_run_config fit.yaml 2 "keep: final"
sed -i 's/^experiment: e2e-run/experiment: fit/' fit.yaml
: > "$HIA_PAUSE_IN_TRIAL.all" # every trial stops itself after its first checkpoint
"$HIA" run fit.yaml -j 2 > fit1.log 2>&1 &
pid=$!
wait_held $pid 2 || fail "the sweep ended before both trials were held: $(cat fit1.log)"
rm "$HIA_PAUSE_IN_TRIAL.all"
kill -KILL $pid
wait $pid || true
# trial 1's layer count plus one, its CRC made right again, as a Darknet whose network has
# another shape would find it: after the magic (8 bytes), the identity (212), the generator,
# seen and t (20). Trial 2's: one byte changed.
python3 - models/fit/1/checkpoint models/fit/2/checkpoint <<'PY'
import struct, sys, zlib
misfit = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<i", misfit, 240, struct.unpack_from("<i", misfit, 240)[0] + 1)
struct.pack_into("<I", misfit, len(misfit) - 4, zlib.crc32(bytes(misfit[:-4])))
open(sys.argv[1], "wb").write(misfit)
damaged = bytearray(open(sys.argv[2], "rb").read())
damaged[len(damaged) // 2] ^= 0x5a
open(sys.argv[2], "wb").write(damaged)
PY
"$HIA" run fit.yaml > fit2.log 2>&1 || fail "the run after the checkpoints changed: $(cat fit2.log)"
cat fit2.log
grep -q "^trial 1 (fashion-mnist #0): its checkpoint no longer fits the network: it has [0-9]* layers, the network [0-9]*; it starts from its first epoch" fit2.log ||
    fail "the run does not say trial 1's checkpoint no longer fits"
grep -q "^trial 2 (fashion-mnist #1): its checkpoint is damaged (bad header or CRC); it starts" fit2.log ||
    fail "the run does not say trial 2's checkpoint is damaged"
grep -q "no longer fits the network.*set aside as models/fit/1/checkpoint.misfit-" models/fit/1/log.txt ||
    fail "trial 1's log does not say so: $(cat models/fit/1/log.txt)"
grep -q "is damaged.*set aside as models/fit/2/checkpoint.damaged-" models/fit/2/log.txt ||
    fail "trial 2's log does not say so: $(cat models/fit/2/log.txt)"
"$HIA" export results/fit.sqlite > fit.csv
[ "$(csv_column fit.csv resumed_from | sort -u)" = 0 ] || fail "a set-aside checkpoint was resumed"
text=$("$HIA" status fit.yaml)
echo "$text"
echo "$text" | grep -q "^  1 trial restarted from its first epoch: its checkpoint no longer fit the network (trial 1; each trial's log.txt says why)" ||
    fail "hia status does not list the misfit"
echo "$text" | grep -q "^  1 trial restarted from its first epoch: its checkpoint was damaged (trial 2;" ||
    fail "hia status does not list the damaged checkpoint"
st=$("$HIA" status fit.yaml --json)
echo "$st" | grep -q '"restarted":\[{"id":1,"checkpoint":"misfit","why":"no longer fits the network: it has [0-9]* layers, the network [0-9]*"},{"id":2,"checkpoint":"damaged","why":"is damaged (bad header or CRC)"}\]' ||
    fail "hia status --json does not list them: $st"
"$HIA" status e.yaml | grep -q "restarted" && fail "a store without restarts lists some"
exit 0
