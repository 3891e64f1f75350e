# Configurations of the paper's space that Darknet's in-place dropout (tanh's gradient read from
# dropped and scaled outputs) and its overflowing loss used to end as "diverged" in epoch 1 or 2
# train to their last epoch, as PyTorch trains the same cfg: 64 7x7 filters, tanh, dense 236,
# adagrad 0.0126, batch 256, dropout 0.3; and momentum with ELU.
. "$2"
write_config "$WORK/f.yaml" 1000 300 500
sed -i 's/choices: \[8, 16, 32, 64\]/choices: [8, 16, 32, 64, 128]/; s/choices: \[3, 5\]/choices: [3, 5, 7]/; s/choices: \[relu, tanh\]/choices: [relu, tanh, elu]/; s/choices: \[32, 64\]/choices: [32, 64, 256]/; s/dense_units:   {type: int, low: 16, high: 256}/dense_units:   {type: int, low: 16, high: 512}/' "$WORK/f.yaml"
check() { # check OPTIMIZER ACTIVATION LR MIN_ACCURACY
    out=$("$HIA" train "$WORK/f.yaml" --threads 2 --json --set conv_layers=1 --set filters=64 \
        --set kernel_size=7 --set activation=$2 --set batch_norm=false --set dense_units=236 \
        --set optimizer=$1 --set learning_rate=$3 --set batch_size=256 --set epochs=3 \
        --set dropout=0.3 2>/dev/null) || fail "$1/$2: hia train exited $?"
    echo "$1/$2: $out" | cut -c1-200
    [ "$(echo "$out" | json_get status)" = done ] || fail "$1/$2 ended $(echo "$out" | json_get reason)"
    [ "$(echo "$out" | json_get epochs)" = 3 ] || fail "$1/$2 did not train every epoch"
    at_least "$(echo "$out" | json_get test_accuracy)" "$4" || fail "$1/$2 learned too little"
}
check adagrad tanh 0.0126 0.6
check momentum elu 0.01 0.6
