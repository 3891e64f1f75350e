# A store that fails in the middle of a read (its pages overwritten): the trial hia was
# starting is given back (pending, no failure recorded), hia stops with status 3 (a damaged
# file is a fault of the machine, as an I/O error is) and a message that names the store, and
# the trial is not failed for good (a read cut short must never look like a bad configuration).
. "$2"
cd "$WORK"
write_run_config e.yaml 2
"$HIA" run e.yaml > run.log || fail "hia run exited $?: $(cat run.log)"
store=results/e2e-run.sqlite
# trial 2 pending again, as after an interruption; then every page of the params table that
# holds rows is overwritten, so reading its hyperparameters fails part-way into the store
python3 - "$store" <<'PY'
import sqlite3, sys
path = sys.argv[1]
db = sqlite3.connect(path)
db.execute("UPDATE trials SET status = 'pending', worker = NULL, lease_until = NULL WHERE id = 2")
db.commit()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
size = db.execute("PRAGMA page_size").fetchone()[0]
pages = [p for (p,) in db.execute(
    "SELECT pageno FROM dbstat WHERE name = 'params' AND pagetype = 'leaf'")]
db.close()
assert pages, "no params pages"
with open(path, "r+b") as f:
    for p in pages:
        f.seek((p - 1) * size)
        f.write(b"\xa5" * size)
PY
set +e
"$HIA" run e.yaml > again.log 2> err.txt
rc=$?
set -e
cat again.log err.txt
[ "$rc" = 3 ] || fail "a store failing mid-read: exit status $rc, expected 3"
grep -q "$store" err.txt || fail "the message does not name the store: $(cat err.txt)"
grep -q "malformed (the file is damaged" err.txt ||
    fail "the message does not give SQLite's error and what it means: $(cat err.txt)"
python3 - "$store" <<'PY' || fail "trial 2 was not given back"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
status, worker = db.execute("SELECT status, worker FROM trials WHERE id = 2").fetchone()
failures = db.execute("SELECT count(*) FROM failures WHERE trial = 2").fetchone()[0]
print("trial 2:", status, worker, failures, "failures")
sys.exit(0 if status == "pending" and worker is None and failures == 0 else 1)
PY
