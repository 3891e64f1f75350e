# Checkpoints in a folder of one's choosing (--models DIR, or models: in the experiment), as on
# a shared file system: nothing goes to ./models, and a sweep killed while a trial is inside
# its run resumes that trial from its checkpoint when started again from another folder.
. "$2"
cd "$WORK"
mkdir -p here there shared
write_run_config e.yaml 2 "keep: final"
cd here
"$HIA" run ../e.yaml --store ../s.sqlite --models ../shared > run.log 2>&1 &
pid=$!
caught=$(freeze_in_trial $pid 3) || fail "the sweep ended before a trial was caught"
kill -KILL $pid
kill -CONT $(echo "$caught" | cut -d' ' -f1) 2>/dev/null || true
wait $pid || true
[ ! -e models ] || fail "--models DIR: checkpoints went to ./models too"
ls ../shared/e2e-run/*/checkpoint > /dev/null 2>&1 || fail "no checkpoint in ../shared/e2e-run/"
# from another folder, with the folder given by the experiment instead
cd ../there
sed "s|^keep: final$|keep: final\nmodels: $WORK/shared|" ../e.yaml > e.yaml
grep -q "^models: $WORK/shared$" e.yaml || fail "the test config has no keep: final line"
"$HIA" run e.yaml --store ../s.sqlite > run.log 2>&1 || fail "the second run exited $?: $(cat run.log)"
[ ! -e models ] || fail "models: DIR: checkpoints went to ./models too"
grep -l "resumed after epoch" "$WORK"/shared/e2e-run/*/log.txt > /dev/null ||
    fail "the killed trial did not resume from its checkpoint in the shared folder"
[ "$("$HIA" status ../s.sqlite --json | json_get done)" = 2 ] || fail "not every trial done"
