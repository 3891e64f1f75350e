# The store's unit tests (tests/test_store.c) against PostgreSQL, a server of the test's own:
# each sub-test that needs a fresh store gets an empty database of its own.
. "$2"
BUILD=$3
pg_start
for db in t f; do
    runuser -u postgres -- /usr/lib/postgresql/15/bin/createdb -h "$PG_SOCK" "$db"
done
"$BUILD/test_store" "postgresql://postgres@/%s?host=$PG_SOCK" || fail "test_store exited $?"
