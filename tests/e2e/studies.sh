# Every published study's README says what its committed store says: its results section is
# what studies/summarise computes from the store with this hia (hia analyze, hia status).
. "$2"
top=$(cd "$(dirname "$0")/../.." && pwd)
found=0
for readme in "$top"/studies/*/README.md; do
    grep -q '^<!-- results -->$' "$readme" || continue
    study=$(dirname "$readme")
    [ -f "$study/store.sqlite" ] || fail "$study has results but no store.sqlite"
    cp -R "$study" "$WORK/" # analyze opens the store for writing: work on a copy
    copy="$WORK/$(basename "$study")"
    (cd "$WORK" && /usr/bin/python3 "$top/studies/summarise" "$(basename "$study")" "$HIA" --check) ||
        fail "$readme does not match its store"
    found=$((found + 1))
    rm -rf "$copy"
done
[ $found -gt 0 ] || fail "no published study with a results section"
echo "studies checked: $found"
