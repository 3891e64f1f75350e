# The reference trainings of tests/e2e/train_numerics.sh: three short Fashion-MNIST trainings
# that cover batch norm, dropout, every activation family and three optimizers.
numerics_config() { # numerics_config DIR: writes DIR/numerics.yaml
    cat > "$1/numerics.yaml" <<YAML
experiment: numerics
seed: 5
trials: 1
datasets:
  - {name: fashion-mnist, train: 600, validation: 200, test: 300}
space:
  conv_layers:   {type: int, low: 1, high: 2}
  filters:       {type: categorical, choices: [8, 16], per_layer: true}
  kernel_size:   {type: categorical, choices: [3, 5], per_layer: true}
  activation:    {type: categorical, choices: [relu, tanh, elu, leaky]}
  batch_norm:    {type: categorical, choices: [true, false]}
  dense_units:   {type: int, low: 16, high: 64}
  dropout:       {type: float, low: 0.0, high: 0.5}
  optimizer:     {type: categorical, choices: [sgd, momentum, adam, rmsprop, adagrad]}
  learning_rate: {type: float, low: 1.0e-4, high: 0.1, log: true}
  batch_size:    {type: categorical, choices: [32, 64]}
  epochs:        {type: int, low: 1, high: 3}
YAML
}
numerics_training() { # numerics_training HIA DIR K: training K's JSON
    numerics_config "$2"
    case $3 in
    1) set -- "$1" "$2" --set conv_layers=2 --set filters=8,16 --set kernel_size=3,5 \
           --set activation=relu --set batch_norm=true --set dropout=0.3 --set optimizer=adam \
           --set learning_rate=0.003 --set batch_size=32 --set dense_units=32 --set epochs=3 --number 4 ;;
    2) set -- "$1" "$2" --set conv_layers=1 --set filters=16 --set kernel_size=5 \
           --set activation=tanh --set batch_norm=false --set dropout=0 --set optimizer=momentum \
           --set learning_rate=0.02 --set batch_size=64 --set dense_units=64 --set epochs=3 --number 9 ;;
    *) set -- "$1" "$2" --set conv_layers=2 --set filters=16,8 --set kernel_size=3,3 \
           --set activation=elu --set batch_norm=true --set dropout=0.1 --set optimizer=rmsprop \
           --set learning_rate=0.001 --set batch_size=32 --set dense_units=16 --set epochs=2 --number 0 ;;
    esac
    hia=$1 dir=$2
    shift 2
    "$hia" train "$dir/numerics.yaml" --threads 1 --json "$@" 2>/dev/null
}
numerics_line() { # numerics_line K JSON: "K loss:L... acc:A..." (each epoch's loss, then the
                  # accuracies: validation, test, each epoch's validation) on one line
    printf '%s' "$1"
    for v in $(echo "$2" | grep -o '"loss":[^,}]*' | cut -d: -f2); do printf ' loss:%s' "$v"; done
    for v in $(echo "$2" | grep -o '"\(val\|test\)_accuracy":[^,}]*' | cut -d: -f2); do
        printf ' acc:%s' "$v"
    done
    printf '\n'
}
