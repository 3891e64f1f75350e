# The planted-importance benchmark's fast subset (bench/planted --quick): on tables with a
# known truth (bench/planted.py), the analysis's defaults rank every strong planted effect
# (first-order share >= 0.05; among them batch_norm, two-valued, acting through a "never
# learns" mode) above every irrelevant hyperparameter, on every seed.
. "$2"
top=$(cd "$(dirname "$0")/../.." && pwd)
/usr/bin/python3 "$top/bench/planted" --quick --hia "$HIA" || fail "bench/planted --quick"
