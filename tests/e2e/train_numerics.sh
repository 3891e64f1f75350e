# The trainer's numerics version (TRAIN_NUMERICS, train/train.h) is honest: three short
# trainings recorded at the declared version (tests/reference/numerics/record.sh) come out
# the same, within what differs between CPUs whose BLAS and oneDNN kernels differ (AVX2,
# AVX-512): each epoch's loss to 0.2% and each accuracy to 0.02. A change that alters the
# numbers must bump the version, re-record, and retrain the published studies
# (tests/e2e/studies.sh then says which).
. "$2"
ref=$(cd "$(dirname "$0")/../reference/numerics" && pwd)
. "$ref/configs.sh"
want=$(sed -n 's/^numerics //p' "$ref/trainings.txt")
for k in 1 2 3; do
    out=$(numerics_training "$HIA" "$WORK" $k) || fail "training $k exited $?"
    got=$(echo "$out" | json_get numerics)
    [ "$got" = "$want" ] || fail "the build declares numerics $got; the reference was recorded at $want: re-record it (tests/reference/numerics/record.sh) and retrain the studies"
    line=$(numerics_line $k "$out")
    echo "got:  $line"
    grep "^$k " "$ref/trainings.txt" | sed 's/^/want: /'
    grep "^$k " "$ref/trainings.txt" | awk -v got="$line" '
        { n = split(got, g, " ")
          if (n != NF) { print "fields: " n " against " NF; exit 1 }
          for (i = 2; i <= NF; i++) {
              split($i, w, ":"); split(g[i], h, ":")
              if (w[1] != h[1]) { print "field " i ": " h[1] " against " w[1]; exit 1 }
              d = h[2] - w[2]; if (d < 0) d = -d
              if (w[1] == "loss" && d > 0.002 * w[2]) { print "loss, field " i; exit 1 }
              if (w[1] == "acc" && d > 0.02) { print "accuracy, field " i; exit 1 }
          } }' || fail "training $k differs from the reference recorded at numerics $want, which this build declares too: a change altered the trainer's numbers (bump TRAIN_NUMERICS, re-record, retrain the studies)"
done
