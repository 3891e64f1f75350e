# hia report: a finished sweep with diverged trials, the same store mid-sweep and with a
# failed trial, and an empty store; then the HTML in headless Chromium: no console errors,
# every figure present and drawn, every .svg well-formed, a screenshot in the build folder.
. "$2"
BUILD=$3
cd "$WORK"
write_run_config sweep.yaml 14
sed -i 's/learning_rate: {type: float, low: 1.0e-3, high: 1.0e-2, log: true}/learning_rate: {type: float, low: 1.0e-3, high: 200, log: true}/' sweep.yaml
"$HIA" run sweep.yaml --store s.sqlite -j 2 > run.log 2>&1 || fail "the sweep: $(tail -n 3 run.log)"
out=$("$HIA" report s.sqlite -o rep) || fail "report exited $?"
echo "$out" | grep -q "^report: rep/report.html" || fail "the path is not printed: $out"
figures="importance spread layers interactions accuracy progress"
for f in $figures; do
    [ -s "rep/$f.svg" ] || fail "no figure $f.svg"
    grep -q "](${f}.svg)" rep/report.md || fail "report.md does not link $f.svg"
    grep -q "<figure id=\"fig-$f\">" rep/report.html || fail "report.html lacks figure $f"
done
[ "$(ls rep/marginal-*.svg | wc -l)" = 4 ] || fail "not four marginal plots: $(ls rep)"
grep -q "Sweep complete: 14 trials" rep/report.md || fail "no completion line"
grep -q "| 1 | conv_layers | 0.385 |" rep/report.md || fail "no published top five"
grep -q "ICC(2,1) | [0-9.-]* | \[.*\] | [a-z]" rep/report.md || fail "no ICC(2,1) with its reading"
grep -q "| N-RReliefF | fANOVA | " rep/report.md || fail "no method agreement"
grep -q "^| diverged\|| diverged |" rep/report.md || fail "the diverged trials are not listed"
! grep -q "src=\|href=\"http" rep/report.html || fail "report.html loads something from outside"

# mid-sweep, with a failed trial: reported as such; an empty store is refused
cp s.sqlite mid.sqlite
python3 - <<'PY' || fail "editing the copy"
import sqlite3
c = sqlite3.connect("mid.sqlite")
c.execute("UPDATE trials SET status='pending', test_accuracy=NULL WHERE id > 11")
c.execute("UPDATE trials SET status='failed', reason='killed by signal 9 (SIGKILL)' WHERE id = 11")
c.commit()
PY
"$HIA" report mid.sqlite -o mid > /dev/null || fail "mid-sweep report"
grep -q "Sweep in progress: 10 of 14 trials finished (3 pending, 0 running, 1 failed)" mid/report.md ||
    fail "mid-sweep status: $(grep -i sweep mid/report.md | head -n 2)"
grep -q "killed by signal 9 (SIGKILL)" mid/report.md || fail "the failed trial's reason is missing"
python3 - <<'PY' || fail "emptying a copy"
import sqlite3, shutil
shutil.copy("s.sqlite", "empty.sqlite")
c = sqlite3.connect("empty.sqlite")
c.execute("UPDATE trials SET status='pending', test_accuracy=NULL")
c.commit()
PY
out=$("$HIA" report empty.sqlite -o empty 2>&1) && fail "an empty store was reported"
echo "$out" | grep -q "empty.sqlite: no finished trials yet (14 planned, 14 pending" ||
    fail "empty-store message: $out"
[ ! -e empty ] || fail "the refused report left a folder"

# the browser: the detector must see a console error on a page that has one
command -v chromium > /dev/null || fail "chromium is needed (scripts/setup installs it)"
browse() { # browse URL: DOM to dom.html, console messages to console.log
    timeout 120 chromium --headless=new --no-sandbox --disable-gpu --enable-logging=stderr \
        --v=0 --dump-dom "$1" > dom.html 2> chromium.log || fail "chromium on $1"
    grep "CONSOLE" chromium.log > console.log || true
}
printf '<html><body><script>console.error("probe")</script></body></html>' > probe.html
browse "file://$WORK/probe.html"
grep -q '"probe"' console.log || fail "console errors are not detected: $(cat chromium.log)"
browse "file://$WORK/rep/report.html"
[ ! -s console.log ] || fail "console messages: $(cat console.log)"
for f in $figures marginal-$(ls rep | sed -n 's/^marginal-\(.*\)\.svg$/\1/p' | head -n 1); do
    shapes=$(awk -v id="fig-$f" 'index($0, "id=\"" id "\"") { on = 1 }
        on { n += gsub(/<(rect|line|circle|path|text)/, "") }
        on && /<\/figure>/ { print n; exit }' dom.html)
    at_least "${shapes:-0}" 12 || fail "figure $f is empty in the browser (${shapes:-0} shapes)"
done
for f in rep/*.svg; do
    browse "file://$WORK/$f"
    ! grep -q "parsererror" dom.html || fail "$f is not well-formed: $(grep -o 'parsererror.*' dom.html | head -c 300)"
done
timeout 120 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1000,6000 --screenshot="$BUILD/report-screenshot.png" \
    "file://$WORK/rep/report.html" > /dev/null 2>&1 || fail "screenshot"
[ -s "$BUILD/report-screenshot.png" ] || fail "no screenshot"
