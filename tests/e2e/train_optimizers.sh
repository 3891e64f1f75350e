# Each optimizer is its own: from the same seed, Adam, RMSprop, Adagrad and momentum follow
# loss trajectories different from SGD's, and each learns well above chance (0.1).
. "$2"
write_config "$WORK/o.yaml" 2000 500 500
sgd_losses=""
for pair in sgd:0.05 momentum:0.01 adam:0.001 rmsprop:0.001 adagrad:0.01; do
    opt=${pair%%:*}
    lr=${pair#*:}
    out=$("$HIA" train "$WORK/o.yaml" --threads 2 --json --seed 3 \
        --set conv_layers=1 --set filters=16 --set kernel_size=3 --set dense_units=64 \
        --set dropout=0 --set activation=relu --set batch_norm=false --set optimizer="$opt" \
        --set learning_rate="$lr" --set batch_size=32 --set epochs=2 2>/dev/null) \
        || fail "$opt: hia train exited $?"
    [ "$(echo "$out" | json_get optimizer)" = "$opt" ] || fail "$opt: not the optimizer trained"
    losses=$(echo "$out" | json_all loss | tr '\n' ' ')
    val=$(echo "$out" | json_get val_accuracy)
    echo "$opt lr=$lr: losses $losses val_accuracy $val"
    at_least "$val" 0.5 || fail "$opt learns too little: val_accuracy $val"
    if [ "$opt" = sgd ]; then
        sgd_losses=$losses
    else
        [ "$losses" != "$sgd_losses" ] || fail "$opt follows SGD's trajectory"
    fi
done
