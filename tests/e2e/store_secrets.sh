# No password is ever printed, whatever the shape of the store's address: malformed URIs,
# passwords in a URI's query or percent-encoded, keyword/value strings, other schemes. Every
# command that takes a store refuses each with status 1, and neither its output nor its
# message holds the password; nothing is made under a name that holds it.
. "$2"
cd "$WORK"
write_run_config e.yaml 2
# the password is S3cret; S3c%72et is the same, percent-encoded
for store in \
    'postgresql://alice:S3cret@[bad/hia' \
    'postgresql://alice:S3cret%zz@db.example/hia' \
    'postgres://u:S3cret@' \
    'postgresql://u:S3cret@h/db?bogus=1' \
    'postgresql://u@h/db?password=S3cret' \
    'postgresql://u@h/db?password=S3cret%zz' \
    'postgresql://u:S3cret@h:notaport/db' \
    'postgresql://u:S3cret@h/db' \
    'postgresql://u:S3c%72et@h/db' \
    'postgresql://u:S3cret@/db?host=/nonexistent' \
    'host=h password=S3cret dbname=d' \
    "host=h password = 'S3cret' dbname=d" \
    'password=S3cret' \
    'host=h S3cret dbname=d' \
    'POSTGRESQL://u:S3cret@h/db' \
    'postgresql:/u:S3cret@h/db' \
    'mysql://u:S3cret@h/db'; do
    for cmd in status export analyze report run slurm; do
        case $cmd in
        run) set -- run e.yaml --store "$store" ;;
        slurm) set -- slurm e.yaml --store "$store" --array 2 ;;
        report) set -- report "$store" -o rep ;;
        *) set -- "$cmd" "$store" ;;
        esac
        set +e
        "$HIA" "$@" > out.txt 2> err.txt
        rc=$?
        set -e
        [ "$rc" = 1 ] || fail "hia $*: exit status $rc, expected 1: $(cat err.txt)"
        [ -s err.txt ] || fail "hia $*: no message"
        ! grep -qi "S3c" out.txt err.txt ||
            fail "hia $* prints the password: $(cat out.txt err.txt)"
    done
done
[ -z "$(find . -name '*S3c*')" ] || fail "made under a password's name: $(find . -name '*S3c*')"
