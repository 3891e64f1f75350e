#!/bin/sh
# Records tests/reference/numerics/trainings.txt with the build's hia: run it after bumping
# TRAIN_NUMERICS (train/train.h), never to make a failing check pass without the bump.
#   tests/reference/numerics/record.sh [HIA]
set -eu
ref=$(cd "$(dirname "$0")" && pwd)
hia=$(cd "$(dirname "${1:-$ref/../../../build/hia}")" && pwd)/$(basename "${1:-hia}")
. "$ref/configs.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=$(numerics_training "$hia" "$dir" 1)
{
    echo "numerics $(echo "$out" | grep -o '"numerics":[0-9]*' | cut -d: -f2)"
    for k in 1 2 3; do numerics_line $k "$(numerics_training "$hia" "$dir" $k)"; done
} > "$ref/trainings.txt"
cat "$ref/trainings.txt"
