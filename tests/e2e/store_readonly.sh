# Readers never write. status, export, analyze and report read a store on a read-only medium
# (a read-only bind mount as root, else a folder and file without write permission), leaving
# nothing beside it, and read one whose write-ahead log holds changes when its -shm file is
# there; without that file they refuse it (status 3: SQLite cannot read such a log there). An
# SQLite file that is not hia's is refused by every command, left byte for byte as it was; a
# truncated store is refused by every command with status 3, saying it is damaged.
. "$2"
cd "$WORK"
write_run_config e.yaml 8
"$HIA" run e.yaml -j 2 --store s.sqlite > run.log 2>&1 || fail "hia run exited $?: $(cat run.log)"

# read_only DIR: DIR becomes read-only until the test ends
read_only() {
    if [ "$(id -u)" = 0 ]; then
        mount --bind "$1" "$1" || fail "cannot bind-mount $1"
        at_exit "umount '$1'"
        mount -o remount,ro,bind "$1" || fail "cannot make $1 read-only"
    else
        chmod a-w "$1" "$1"/*
        at_exit "chmod -R u+w '$1'"
    fi
    ! touch "$1/probe" 2> /dev/null || fail "$1 is still writable"
}
sum() { sha256sum "$@" | cut -d' ' -f1 | tr '\n' ' '; }
# readers DIR/STORE: every reader reads it (status 0); export gives 8 rows
readers() {
    "$HIA" status "$1" > status.txt 2> err.txt || fail "status $1 exited $?: $(cat err.txt)"
    "$HIA" export "$1" > t.csv 2> err.txt || fail "export $1 exited $?: $(cat err.txt)"
    [ "$(wc -l < t.csv)" = 9 ] || fail "export $1: not 8 rows"
    "$HIA" analyze "$1" --method nrrelieff > a.txt 2> err.txt ||
        fail "analyze $1 exited $?: $(cat err.txt)"
    rm -rf out
    "$HIA" report "$1" -o out > /dev/null 2> err.txt || fail "report $1 exited $?: $(cat err.txt)"
}

mkdir ro
cp s.sqlite ro/
before=$(sum ro/s.sqlite)
read_only ro
readers ro/s.sqlite
[ "$(sum ro/s.sqlite)" = "$before" ] || fail "a reader changed the store"
[ "$(ls ro)" = s.sqlite ] || fail "a reader left files beside the store: $(ls ro)"

# a store whose write-ahead log holds a change (copied while a writer had it open)
mkdir wal shm
python3 - <<'PY' || fail "making a store with a write-ahead log"
import shutil, sqlite3
shutil.copy("s.sqlite", "w.sqlite")
c = sqlite3.connect("w.sqlite")
c.execute("PRAGMA wal_autocheckpoint = 0")
c.execute("UPDATE trials SET status = 'failed', reason = 'in the log' WHERE id = 1")
c.commit()
for end in ("", "-wal"):
    shutil.copy("w.sqlite" + end, "wal/w.sqlite" + end)
for end in ("", "-wal", "-shm"):
    shutil.copy("w.sqlite" + end, "shm/w.sqlite" + end)
c.close()
PY
[ -s wal/w.sqlite-wal ] || fail "the log is empty"
before=$(sum shm/w.sqlite shm/w.sqlite-wal)
read_only wal
read_only shm
"$HIA" status shm/w.sqlite --json > st.json 2> err.txt ||
    fail "status with the -shm file: $(cat err.txt)"
[ "$(json_get failed < st.json)" = 1 ] || fail "the change in the log is not read: $(cat st.json)"
[ "$(sum shm/w.sqlite shm/w.sqlite-wal)" = "$before" ] ||
    fail "a reader changed the store or its log"
for cmd in status export analyze report; do
    set +e
    "$HIA" $cmd wal/w.sqlite > /dev/null 2> err.txt
    rc=$?
    set -e
    [ "$rc" = 3 ] ||
        fail "$cmd of a log it cannot read: exit status $rc, expected 3: $(cat err.txt)"
    grep -q "write-ahead log wal/w.sqlite-wal holds changes" err.txt ||
        fail "$cmd: the message does not say why: $(cat err.txt)"
done

# refused_all STORE STATUS TEXT: every command refuses STORE with STATUS and TEXT, and leaves
# it (and its folder) as it was
refused_all() {
    before=$(sum "$1")
    files=$(ls | grep -v '^models$')
    # the store's name has no space: each command splits into its words
    for cmd in "status $1" "export $1" "analyze $1" "report $1 -o refused" \
        "run e.yaml --store $1"; do
        set +e
        "$HIA" $cmd > /dev/null 2> err.txt
        rc=$?
        set -e
        [ "$rc" = "$2" ] || fail "hia $cmd: exit status $rc, expected $2: $(cat err.txt)"
        grep -q "$1: $3" err.txt || fail "hia $cmd: message: $(cat err.txt)"
    done
    [ "$(sum "$1")" = "$before" ] || fail "$1 was changed"
    [ "$(ls | grep -v '^models$')" = "$files" ] || fail "files were made beside $1: $(ls)"
}
python3 - <<'PY' || fail "making SQLite files of another program"
import sqlite3
for name, mode in (("other.sqlite", "delete"), ("other-wal.sqlite", "wal")):
    c = sqlite3.connect(name)
    c.execute("PRAGMA journal_mode = " + mode)
    c.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)")
    c.execute("INSERT INTO notes(text) VALUES ('mine')")
    c.commit()
    c.close()
PY
refused_all other.sqlite 1 "not a hia results store (its tables are another program's)"
refused_all other-wal.sqlite 1 "not a hia results store (its tables are another program's)"
head -c "$(($(wc -c < s.sqlite) / 2))" s.sqlite > half.sqlite
refused_all half.sqlite 3 ".*malformed (the file is damaged, truncated or overwritten"
