# A network that can no longer compute (a learning rate of 1e30 makes its weights infinite)
# ends as diverged: exit status 0, the reason names what went non-finite and where, and its
# accuracies are those of the constant guess (the training split's most frequent class: 0.1 on
# these stratified splits), never below it.
. "$2"
write_config "$WORK/d.yaml" 640 100 100 1.0e31
out=$("$HIA" train "$WORK/d.yaml" --threads 2 --json --set learning_rate=1e30 \
    --set optimizer=momentum --set epochs=3 --set batch_norm=false --set activation=relu 2>/dev/null) \
    || fail "hia train exited $? on a diverging run"
echo "$out"
[ "$(echo "$out" | json_get status)" = diverged ] || fail "status is not diverged"
echo "$out" | grep -q '"reason":"the weights of layer [0-9]* are not finite in epoch 1, batch [0-9]*"' ||
    fail "the reason does not say what went non-finite, and where"
for k in val_accuracy test_accuracy; do
    [ "$(echo "$out" | json_get $k)" = 0.10000000000000001 ] || fail "$k is not the constant guess's 0.1"
done
text=$("$HIA" train "$WORK/d.yaml" --threads 2 --set learning_rate=1e30 \
    --set optimizer=momentum --set epochs=3 --set batch_norm=false --set activation=relu) ||
    fail "text mode exited $?"
echo "$text" | tail -n 1 | grep -q "^diverged: " || fail "text mode does not say diverged"

# a high learning rate that leaves the network finite is no divergence: it trains every epoch
out=$("$HIA" train "$WORK/d.yaml" --threads 2 --json --set learning_rate=5000 \
    --set optimizer=momentum --set epochs=3 --set batch_norm=false --set activation=relu 2>/dev/null)
[ "$(echo "$out" | json_get status)" = done ] || fail "a finite network was called diverged: $out"
[ "$(echo "$out" | json_get epochs)" = 3 ] || fail "a finite network did not train every epoch"
