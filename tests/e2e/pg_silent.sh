# A PostgreSQL server that accepts connections and never answers (a listener of the test's
# own): status, run, slurm and every reader give up after the connect timeout with status 3 (a
# fault of the machine) and a message naming host, port, database and the timeout; the URI's
# connect_timeout wins over PGCONNECT_TIMEOUT, which wins over hia's default of 10 s; the
# connection has TCP keepalives.
. "$2"
cd "$WORK"
python3 - "$WORK/port" <<'PY' &
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:  # every connection accepted and kept open; nothing read, nothing sent
    held.append(s.accept()[0])
    with open(sys.argv[1] + ".n", "w") as f:
        f.write(str(len(held)))
    os.rename(sys.argv[1] + ".n", sys.argv[1] + ".accepted")
PY
listener=$!
at_exit "kill $listener 2> /dev/null || true"
until [ -s port ]; do
    running $listener || fail "the listener ended"
    sleep 0.05 # how often the state is polled; no outcome depends on it
done
port=$(cat port)
uri="postgresql://hia@127.0.0.1:$port/sweep"
write_run_config e.yaml 2

# expect_silent SECONDS CMD...: CMD ends (timeout(1) only guards against a hang) with status 3
# and says the server did not answer within SECONDS
expect_silent() {
    want=$1
    shift
    set +e
    timeout 60 "$@" > out.txt 2> err.txt
    rc=$?
    set -e
    [ "$rc" != 124 ] || fail "$*: still waiting after 60 s"
    [ "$rc" = 3 ] || fail "$*: exit status $rc, expected 3: $(cat err.txt)"
    said="postgresql database sweep on 127.0.0.1 port $port: the server did not answer within"
    grep -q "$said $want s" err.txt ||
        fail "$*: the message does not name the server and the timeout: $(cat err.txt)"
}
PGCONNECT_TIMEOUT=2 expect_silent 2 "$HIA" status "$uri"
PGCONNECT_TIMEOUT=2 expect_silent 2 "$HIA" run e.yaml --store "$uri"
PGCONNECT_TIMEOUT=2 expect_silent 2 "$HIA" slurm e.yaml --store "$uri" --array 2
[ ! -s out.txt ] || fail "slurm printed a script for a store it could not reach: $(cat out.txt)"
for cmd in export analyze report; do
    PGCONNECT_TIMEOUT=2 expect_silent 2 "$HIA" $cmd "$uri"
done
# hia's keepalives are on the connection (so a server lost mid-query is noticed), seen by ss
# while a status waits for the answer: the first probe within 30 s of quiet (libpq's own
# default waits for the system's 2 hours)
rm -f port.accepted
"$HIA" status "$uri?connect_timeout=60" > /dev/null 2>&1 &
waiting=$!
at_exit '[ -z "$waiting" ] || kill $waiting 2> /dev/null || true' # read at exit: ended below
until [ -s port.accepted ]; do
    running $waiting || fail "status ended before the listener took its connection"
    sleep 0.05 # how often the state is polled; no outcome depends on it
done
ss -tno state established "( dport = :$port )" | grep -Eq "timer:\(keepalive,[0-9.]+(ms|sec)," ||
    fail "no keepalive within 30 s on the connection: $(ss -tno "( dport = :$port )")"
kill $waiting
wait $waiting 2> /dev/null || true
waiting="" # reaped: its pid may be another process's by the end
# the URI's own setting wins over the environment's
PGCONNECT_TIMEOUT=30 expect_silent 3 "$HIA" status "$uri?connect_timeout=3"
# and without either, hia's default
unset PGCONNECT_TIMEOUT
expect_silent 10 "$HIA" status "$uri"
