# Every published study's README says what its committed stores say: its results sections
# are what studies/summarise computes from them with this hia (hia analyze, hia status).
. "$2"
top=$(cd "$(dirname "$0")/../.." && pwd)
cp -R "$top/studies" "$WORK/" # analyze opens stores for writing: work on copies
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
