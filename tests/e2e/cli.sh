# The command line: help, exit statuses, and errors that name the key, file and line.
. "$2"
write_config "$WORK/c.yaml" 100 50 50
expect() { # expect STATUS FRAGMENT COMMAND...: exit status and a fragment of stderr
    want=$1
    frag=$2
    shift 2
    set +e
    "$@" > "$WORK/out" 2> "$WORK/err"
    got=$?
    set -e
    [ "$got" = "$want" ] || fail "$*: exit status $got, expected $want ($(cat "$WORK/err"))"
    grep -qF -- "$frag" "$WORK/err" || fail "$*: stderr lacks '$frag': $(cat "$WORK/err")"
}
# every command of the table is listed by --help, and each answers its own --help with its
# usage and every option it declares
commands=$("$HIA" --list-commands)
[ "$(echo "$commands" | wc -l)" -ge 8 ] || fail "--list-commands: $commands"
for c in $commands; do
    "$HIA" --help | grep -q "^  $c " || fail "--help does not list $c"
    "$HIA" $c --help > "$WORK/help"
    grep -q "^usage: hia $c" "$WORK/help" || fail "hia $c --help"
    for o in $("$HIA" $c --list-options); do
        grep -q -- "^  $o\( \|$\)" "$WORK/help" || fail "hia $c --help lacks $o"
    done
done
[ "$("$HIA" train --list-options | wc -l)" -ge 7 ] || fail "train --list-options"
"$HIA" --help | grep -q "^Exit status" || fail "--help does not document the exit statuses"
"$HIA" train --help | grep -q -- "--set" || fail "train --help"
"$HIA" netgen --help | grep -q "cfg" || fail "netgen --help"
"$HIA" --version | grep -q "^hia " || fail "--version"
expect 1 "unknown command 'trian'" "$HIA" trian
expect 1 "missing CONFIG" "$HIA" train
expect 1 "cannot open" "$HIA" train "$WORK/none.yaml"
expect 1 "unknown hyperparameter 'filter'" "$HIA" train "$WORK/c.yaml" --set filter=8
expect 1 "'dropout=0.9': outside the space" "$HIA" train "$WORK/c.yaml" --set dropout=0.9
expect 1 "c.yaml:" "$HIA" train "$WORK/c.yaml" --set dropout=0.9
expect 1 "'optimizer=adamw': not in the space" "$HIA" train "$WORK/c.yaml" --set optimizer=adamw
expect 1 "'batch_size=abc'" "$HIA" train "$WORK/c.yaml" --set batch_size=abc
expect 1 "'filters' has 2 values but conv_layers is 3" "$HIA" netgen "$WORK/c.yaml" \
    --set conv_layers=3 --set filters=8,16
expect 1 "unknown option --thread" "$HIA" train "$WORK/c.yaml" --thread 2
expect 1 "--threads 0" "$HIA" train "$WORK/c.yaml" --threads 0
expect 1 "--threads x: expected a whole number" "$HIA" train "$WORK/c.yaml" --threads=x
expect 1 "-j needs a value" "$HIA" run "$WORK/c.yaml" -j
expect 1 "unexpected argument 'extra'" "$HIA" run "$WORK/c.yaml" extra
expect 1 "--format xml: expected csv or json" "$HIA" export x.sqlite --format xml
expect 1 "lists no such dataset" "$HIA" train "$WORK/c.yaml" --dataset mnist
sed 's/kernel_size:   {type: categorical, choices: \[3, 5\], per_layer: true}/kernel_size: 4/' \
    "$WORK/c.yaml" > "$WORK/even.yaml"
expect 1 "even.yaml:9:16: 'kernel_size' value 4: must be odd" "$HIA" netgen "$WORK/even.yaml"
sed 's/^trials: 1/trials: -2/' "$WORK/c.yaml" > "$WORK/t.yaml"
expect 1 "t.yaml:3:9: 'trials' must be at least 1" "$HIA" train "$WORK/t.yaml"
sed 's/^seed: 7/seed: 7\ncolour: red/' "$WORK/c.yaml" > "$WORK/k.yaml"
expect 1 "k.yaml:3:1: unknown key 'colour'" "$HIA" netgen "$WORK/k.yaml"

cfg=$("$HIA" netgen "$WORK/c.yaml" --set conv_layers=1 --set filters=8 --set optimizer=adam)
echo "$cfg" | head -n 1 | grep -q '^\[net\]' || fail "netgen prints no [net]"
echo "$cfg" | grep -q '^optimizer=adam$' || fail "netgen lost the optimizer"
[ "$(echo "$cfg" | grep -c '^\[convolutional\]')" = 1 ] || fail "netgen: not one conv layer"
a=$("$HIA" netgen "$WORK/c.yaml" --seed 1)
b=$("$HIA" netgen "$WORK/c.yaml" --seed 1)
[ "$a" = "$b" ] || fail "netgen: the same seed draws different configurations"
