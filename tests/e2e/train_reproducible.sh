# Same configuration, seed and threads give identical losses and accuracies; another seed
# gives other ones. Batch norm and dropout are on, so weights, dropout masks, shuffles and
# the batch-norm re-estimation are all covered.
. "$2"
write_config "$WORK/r.yaml" 1200 300 500
run() {
    "$HIA" train "$WORK/r.yaml" --threads 2 --json --seed "$1" \
        --set conv_layers=2 --set filters=8,16 --set kernel_size=3,5 --set dense_units=32 \
        --set dropout=0.3 --set activation=relu --set batch_norm=true --set optimizer=adam \
        --set learning_rate=0.003 --set batch_size=32 --set epochs=2 2>/dev/null
}
facts() {
    echo "$1" | json_get val_accuracy
    echo "$1" | json_get test_accuracy
    echo "$1" | json_all loss
}
a=$(run 11) || fail "first run exited $?"
b=$(run 11) || fail "second run exited $?"
c=$(run 12) || fail "third run exited $?"
fa=$(facts "$a")
fb=$(facts "$b")
fc=$(facts "$c")
echo "seed 11: $fa" | tr '\n' ' '; echo
echo "seed 11: $fb" | tr '\n' ' '; echo
echo "seed 12: $fc" | tr '\n' ' '; echo
[ "$(echo "$fa" | wc -l)" -eq 4 ] || fail "expected two accuracies and two losses"
[ "$fa" = "$fb" ] || fail "same seed, different results"
[ "$(echo "$fa" | tail -n 2)" != "$(echo "$fc" | tail -n 2)" ] || fail "another seed, same losses"

# network.init: darknet starts from Darknet's weights instead of PyTorch's defaults: other
# losses, and again the same ones run after run
printf 'network: {init: darknet}\n' >> "$WORK/r.yaml"
d=$(run 11) || fail "a darknet-init run exited $?"
e=$(run 11) || fail "a second darknet-init run exited $?"
[ "$(facts "$d")" = "$(facts "$e")" ] || fail "network.init: darknet is not reproducible"
[ "$(facts "$d" | tail -n 2)" != "$(echo "$fa" | tail -n 2)" ] || fail "network.init changed nothing"
