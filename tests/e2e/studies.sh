# Every published study's README says what its committed stores say: its results sections
# are what studies/summarise computes from them with this hia (hia analyze, hia status). And
# every committed store, finished or not, was trained by a trainer whose numbers are this
# build's (the numerics version, train/train.h): a trainer change that alters numbers leaves
# no study stale in silence.
. "$2"
top=$(cd "$(dirname "$0")/../.." && pwd)
cp -R "$top/studies" "$WORK/" # analyze opens stores for writing: work on copies
for db in "$WORK"/studies/*/store.sqlite; do
    st=$("$HIA" status "$db" --json) || fail "hia status $db exited $?"
    got=$(echo "$st" | json_get numerics)
    want=$(echo "$st" | json_get build_numerics)
    [ "$got" = "$want" ] || fail "studies/$(basename "$(dirname "$db")") was trained by numerics version $got; this build trains version $want: retrain it (its study.yaml's header says how)"
done
found=0
for readme in "$WORK"/studies/*/README.md; do
    grep -q '^<!-- results -->$' "$readme" || continue
    study=$(dirname "$readme")
    [ -f "$study/store.sqlite" ] || fail "$study has results but no store.sqlite"
    (cd "$WORK/studies" && /usr/bin/python3 "$top/studies/summarise" "$(basename "$study")" "$HIA" \
        --check) || fail "studies/$(basename "$study")/README.md does not match its stores"
    found=$((found + 1))
done
[ $found -gt 0 ] || fail "no published study with a results section"
echo "studies checked: $found"
