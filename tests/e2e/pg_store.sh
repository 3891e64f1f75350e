# A PostgreSQL results store (a server of the test's own): a sweep runs into it, status,
# export, analyze and report read it, a second run adds nothing; bad URIs and servers are
# refused with status 1, a message naming host and database, and never the password.
. "$2"
pg_start
cd "$WORK"
write_run_config e.yaml 8
"$HIA" run e.yaml -j 2 --store "$PG_URI" > run.log || fail "hia run exited $?: $(cat run.log)"
[ "$(grep -c '^\[[0-9]/8\] trial' run.log)" = 8 ] || fail "not one line per trial: $(cat run.log)"
st=$("$HIA" status "$PG_URI" --json) || fail "status exited $?"
for k in total:8 done:8 running:0 pending:0 failed:0; do
    [ "$(echo "$st" | json_get "${k%%:*}")" = "${k#*:}" ] || fail "status: ${k%%:*} is not ${k#*:}: $st"
done
"$HIA" export "$PG_URI" > t.csv || fail "export exited $?"
[ "$(wc -l < t.csv)" = 9 ] || fail "export: not one row per trial"
head -n 1 t.csv | grep -q "conv_layers,filters_1,filters_2,kernel_size,activation" || fail "export header"
"$HIA" export "$PG_URI" --format json | grep -q '"history":\[{"epoch":1' || fail "export json lacks epochs"
# the same sweep into SQLite gives the same accuracies: the store does not change a result
"$HIA" run e.yaml -j 2 --store lite.sqlite > lite.log || fail "SQLite run exited $?"
"$HIA" export lite.sqlite > lite.csv
[ "$(csv_column t.csv test_accuracy)" = "$(csv_column lite.csv test_accuracy)" ] ||
    fail "PostgreSQL and SQLite stores hold different accuracies"
"$HIA" analyze "$PG_URI" --method nrrelieff --json > a.json || fail "analyze exited $?"
grep -q '"nrrelieff"' a.json || fail "analyze: no ranking"
"$HIA" report "$PG_URI" -o rep > /dev/null || fail "report exited $?"
[ -s rep/report.html ] || fail "report: no report.html"
runuser -u postgres -- /usr/lib/postgresql/15/bin/psql -h "$PG_SOCK" -q \
    -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO pw" hia
"$HIA" run e.yaml --store "$PG_URI" > again.log || fail "second run exited $?"
[ "$(grep -c '^\[' again.log)" = 0 ] || fail "the second run trained again"

expect_refused() { # expect_refused URI FRAGMENT: exit status 1, the fragment, no password
    set +e
    "$HIA" status "$1" > /dev/null 2> err.txt
    rc=$?
    set -e
    [ "$rc" = 1 ] || fail "$1: exit status $rc, expected 1 ($(cat err.txt))"
    grep -q -- "$2" err.txt || fail "$1: message lacks '$2': $(cat err.txt)"
    ! grep -q "right\|wrong" err.txt || fail "$1: the message shows the password: $(cat err.txt)"
}
runuser -u postgres -- /usr/lib/postgresql/15/bin/createdb -h "$PG_SOCK" empty
expect_refused "postgresql://postgres@/empty?host=$PG_SOCK" "no hia results store there"
expect_refused "postgres://postgres@/hia?host=$WORK/nothere" "database hia on $WORK/nothere"
PGPASSWORD=wrong expect_refused "postgresql://pw@/hia?host=$PG_SOCK" "password authentication failed"
expect_refused "postgresql://pw:right@/hia?host=$PG_SOCK" "the URI holds a password"
PGPASSWORD=right "$HIA" status "postgresql://pw@/hia?host=$PG_SOCK" > /dev/null ||
    fail "the right password (PGPASSWORD) is refused"
# a store of a newer schema than this hia's is refused
runuser -u postgres -- /usr/lib/postgresql/15/bin/psql -h "$PG_SOCK" -q \
    -c "UPDATE meta SET value = '99' WHERE key = 'schema_version'" hia
expect_refused "$PG_URI" "schema version 99"
