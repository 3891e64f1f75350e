# A huge learning rate ends the trial as diverged: exit status 0, status and reason reported.
. "$2"
write_config "$WORK/d.yaml" 640 100 100 10000
out=$("$HIA" train "$WORK/d.yaml" --threads 2 --json --set learning_rate=5000 \
    --set optimizer=momentum --set epochs=3 --set batch_norm=false 2>/dev/null) \
    || fail "hia train exited $? on a diverging run"
echo "$out"
[ "$(echo "$out" | json_get status)" = diverged ] || fail "status is not diverged"
echo "$out" | grep -q '"reason":"' || fail "no reason given"
text=$("$HIA" train "$WORK/d.yaml" --threads 2 --set learning_rate=5000 \
    --set optimizer=momentum --set epochs=3 --set batch_norm=false) || fail "text mode exited $?"
echo "$text" | tail -n 1 | grep -q "^diverged: " || fail "text mode does not say diverged"
