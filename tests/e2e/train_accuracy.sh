# Two epochs of conv32-pool-conv64-pool-fc128-dropout-fc10 (relu, momentum, lr 0.01, batch 64)
# on 10,000 Fashion-MNIST training images reach at least 0.74 test accuracy on 10,000 images:
# PyTorch 1.13 trains the same cfg on the same images (bench/darknet_torch.py, its default
# initialisation, as hia's network.init: pytorch) to 0.753, 0.767 and 0.769 (seeds 1-3).
. "$2"
write_config "$WORK/a.yaml" 10000 1000 10000
out=$("$HIA" train "$WORK/a.yaml" --threads 2 --json \
    --set conv_layers=2 --set filters=32,64 --set kernel_size=3 --set dense_units=128 \
    --set dropout=0.25 --set activation=relu --set batch_norm=false --set optimizer=momentum \
    --set learning_rate=0.01 --set batch_size=64 --set epochs=2) || fail "hia train exited $?"
echo "$out"
[ "$(echo "$out" | json_get status)" = done ] || fail "status is not done"
[ "$(echo "$out" | json_get epochs)" = 2 ] || fail "not 2 epochs"
acc=$(echo "$out" | json_get test_accuracy)
at_least "$acc" 0.74 || fail "test accuracy $acc < 0.74"
ips=$(echo "$out" | json_get images_per_second)
at_least "$ips" 1 || fail "images_per_second $ips"
