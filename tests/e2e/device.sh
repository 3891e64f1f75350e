# device: gpu on a machine without a usable GPU (or in a build without CUDA) is an error that
# says so, for hia train and hia run; nothing is trained on the CPU instead.
. "$2"
# On a machine with an NVIDIA GPU this check does not apply (tests/gpu/run does): skip.
if command -v nvidia-smi > /dev/null && nvidia-smi -L > /dev/null 2>&1; then exit 77; fi
write_config "$WORK/c.yaml" 200 50 50
out=$("$HIA" train "$WORK/c.yaml" --device gpu 2>&1) && fail "train --device gpu succeeded here"
echo "$out" | grep -q "no usable GPU on this machine\|this build of hia has no GPU support" ||
    fail "message: $out"
echo "$out" | grep -q "epoch" && fail "it trained anyway: $out"
out=$("$HIA" train "$WORK/c.yaml" --device tpu 2>&1) && fail "--device tpu accepted"
echo "$out" | grep -q "device 'tpu': expected cpu, gpu or gpu:N" || fail "message: $out"
write_run_config "$WORK/r.yaml" 2 "device: gpu:0"
out=$(cd "$WORK" && "$HIA" run r.yaml 2>&1) && fail "run with device gpu:0 succeeded here"
echo "$out" | grep -q "r.yaml: device 'gpu:0': " || fail "run message: $out"
[ ! -e "$WORK/results/e2e-run.sqlite" ] || fail "a store was created"
