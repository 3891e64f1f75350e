# hia report: a finished sweep with diverged trials, the same store mid-sweep and with a
# failed trial, an empty store, and a store of hostile names and reasons (escaped everywhere);
# then the HTML in headless Chromium: no console errors, every figure present and drawn,
# every .svg well-formed, a screenshot in the build folder.
. "$2"
BUILD=$3
cd "$WORK"
write_run_config sweep.yaml 14
sed -i 's/learning_rate: {type: float, low: 1.0e-3, high: 1.0e-2, log: true}/learning_rate: {type: float, low: 1.0e-3, high: 200, log: true}/' sweep.yaml
"$HIA" run sweep.yaml --store s.sqlite -j 2 > run.log 2>&1 || fail "the sweep: $(tail -n 3 run.log)"
out=$("$HIA" report s.sqlite -o rep) || fail "report exited $?"
echo "$out" | grep -q "^report: rep/report.html" || fail "the path is not printed: $out"
figures="importance sensitivity spread layers interactions accuracy progress"
for f in $figures; do
    [ -s "rep/$f.svg" ] || fail "no figure $f.svg"
    grep -q "](${f}.svg)" rep/report.md || fail "report.md does not link $f.svg"
    grep -q "<figure id=\"fig-$f\">" rep/report.html || fail "report.html lacks figure $f"
done
[ "$(ls rep/marginal-*.svg | wc -l)" = 4 ] || fail "not four marginal plots: $(ls rep)"
grep -q "Sweep complete: 14 trials" rep/report.md || fail "no completion line"
grep -q "| 1 | conv_layers | 0.385 |" rep/report.md || fail "no published top five"
grep -q 'ICC(2,1) | [0-9.-]* | \\\[.*\\\] | [a-z]' rep/report.md || fail "no ICC(2,1) with its reading"
grep -q "| N-RReliefF | fANOVA | " rep/report.md || fail "no method agreement"
grep -q "Sensitivity: \(robust: the same top three under all 12 settings\|not robust: the top three hold under [0-9]*% of the 12 settings; ranks that move: [a-z_]* [0-9]*-[0-9]*\)" rep/report.md ||
    fail "the report does not say whether the ranking is robust"
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
# "No ranking" exactly when every normalised importance is 0 (the order is then the columns')
for r in rep mid; do
    python3 - "$r/report.md" <<'PY' || fail "$r/report.md: the no-ranking note does not match its table"
import re, sys
t = open(sys.argv[1]).read()
rows = re.findall(r"^\| \d+ \| \w+ \| -?[0-9.]+ \| ([0-9.]+) \|", t, re.M)
assert len(rows) == 11, rows
assert all(float(x) == 0 for x in rows) == ("No ranking:" in t)
PY
done
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

# hostile names and reasons, as a store edited by hand could hold them: every hyperparameter,
# the dataset and the experiment renamed, a trial failed with a hostile reason. The report
# escapes them in HTML text and attributes, SVG and Markdown, and makes each figure's file
# name safe and unique, within the folder it writes.
cp s.sqlite hostile.sqlite
python3 - <<'PY' || fail "editing the hostile copy"
import sqlite3
c = sqlite3.connect("hostile.sqlite")
names = {
    "conv_layers": '"><img src=x onerror=alert(9)>',
    "filters": "</script><script>alert(1)</script>",
    "kernel_size": "a/b",
    "activation": "../x",
    "batch_norm": "[x](javascript:alert(1))",
    "dense_units": "two\nlines | *b* `c` $m$",
    "dropout": b"odd \x01\x7f\xff\xfe bytes",
    "optimizer": "..",
    "learning_rate": "<svg onload=alert(2)>",
    "batch_size": "&amp; 'q' _u_",
    "epochs": "e" * 300,
}
for old, new in names.items():
    c.execute("UPDATE params SET name = CAST(? AS TEXT) WHERE name = ?", (new, old))
c.execute("UPDATE trials SET status = 'failed', reason = ? WHERE id = 3",
          ('"><img src=x onerror=alert(3)>\n[y](javascript:alert(4)) </script> | pipe',))
c.execute("UPDATE trials SET dataset = '<b>ds</b>&/..'")
c.execute("UPDATE meta SET value = '../../evil<i>' WHERE key = 'setting:experiment'")
c.commit()
PY
"$HIA" report hostile.sqlite -o hostile > /dev/null || fail "report of the hostile store exited $?"
[ "$(ls hostile/marginal-*.svg | wc -l)" = 4 ] || fail "not four marginal plots: $(ls hostile)"
python3 - hostile <<'PY' || fail "the hostile store's report is not escaped"
import html.parser, os, re, sys, xml.etree.ElementTree as ET
rep = sys.argv[1]
def check(ok, what):
    if not ok:
        sys.exit("FAIL: " + what)
page = open(os.path.join(rep, "report.html"), encoding="utf-8").read()
ids = []
class Tags(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        check(tag not in ("img", "script", "iframe", "object", "embed", "a", "foreignobject"),
              "report.html has a <%s> element" % tag)
        for k, v in attrs:
            check(not k.startswith("on"), "report.html has an attribute %s on <%s>" % (k, tag))
            check("javascript:" not in (v or ""), "report.html has a javascript: value")
            if k == "id":
                ids.append(v)
Tags().feed(page)
check('&lt;img src=x onerror=alert(9)&gt;' in page, "the hostile name is not in report.html")
check('&lt;img src=x onerror=alert(3)&gt;' in page, "the hostile reason is not in report.html")
files = sorted(os.listdir(rep))
for f in files:
    check(re.fullmatch(r"[A-Za-z0-9_-]+\.(svg|html|md)", f), "an unsafe file name: %r" % f)
for i in ids:
    check(re.fullmatch(r"fig-[A-Za-z0-9_-]+", i), "an unsafe id: %r" % i)
    check(i[4:] + ".svg" in files, "figure %s has no file" % i)
check(len(set(i.lower() for i in ids)) == len(ids), "two figures share a name")
for f in files:
    if f.endswith(".svg"):
        try:
            ET.parse(os.path.join(rep, f))
        except ET.ParseError as e:
            check(False, "%s is not well-formed XML: %s" % (f, e))
md = open(os.path.join(rep, "report.md"), encoding="utf-8").read()
check(not re.search(r"(?<!\\)<", md), "report.md has raw HTML")
for line in md.splitlines():
    if re.search(r"(?<!\\)\[", line):
        m = re.fullmatch(r"!\[(?:[^\[\]\\]|\\.)*\]\(([A-Za-z0-9_-]+\.svg)\)", line)
        check(m, "report.md has a link that is not a figure's: %s" % line[:200])
        check(m.group(1) in files, "report.md links a missing figure %s" % m.group(1))
    check(not line.startswith("lines"), "a name's line break reached report.md")
check("\\[x\\](javascript:alert(1))" in md, "the hostile name is not escaped in report.md")
check("\\[y\\](javascript:alert(4))" in md, "the hostile reason is not escaped in report.md")
PY
# without -o: results/<experiment>, the name made one folder's, nothing written outside it
mkdir box
(cd box && "$HIA" report ../hostile.sqlite > ../box.log) || fail "report without -o exited $?"
[ -z "$(find "$WORK" -name '*evil*' ! -path "$WORK/box/results/*")" ] ||
    fail "the report wrote outside results/: $(find "$WORK" -name '*evil*')"
[ -s "$(find box/results -name report.html)" ] || fail "no report in box/results: $(cat box.log)"

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
browse "file://$WORK/hostile/report.html"
[ ! -s console.log ] || fail "console messages on the hostile store's report: $(cat console.log)"
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
