#!/usr/bin/env bash
# A whole distributed DataMaster cluster on this machine: a private nats-server (-js, temp store) and one
# OS process per role (`datamaster agent <role>`), sharing one run directory. Waits for the planner to
# finish and grade the search, then stops everything by pid and prints a summary.
#
#   deploy/local-cluster.sh [task.json]
#
# Environment (all optional):
#   PORT        nats port (default: a free port picked by the OS)
#   RUN         run id (default: local-<date>-<pid>)
#   RUN_DIR     shared run directory (default: .datamaster/runs/$RUN)
#   BUDGET      node budget (default: the task's)
#   TRAINERS    trainer processes (default 2); CURATORS (default 1)
#   NATS_SERVER nats-server binary (default: nats-server on PATH, then /usr/sbin/nats-server)
#   KEEP_LOGS   1 keeps the per-process logs (printed path) after a successful run
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TASK="${1:-${TASK:-plugins/bench-local/tasks/seattle-weather.task.json}}"
RUN="${RUN:-local-$(date +%Y%m%d-%H%M%S)-$$}"
RUN_DIR="${RUN_DIR:-.datamaster/runs/$RUN}"
TRAINERS="${TRAINERS:-2}"
CURATORS="${CURATORS:-1}"
NATS_SERVER="${NATS_SERVER:-$(command -v nats-server || echo /usr/sbin/nats-server)}"
CLI=(node "$ROOT/packages/agents/bin/datamaster.js")

[[ -x "$NATS_SERVER" ]] || { echo "local-cluster: nats-server not found (set NATS_SERVER or apt install nats-server)" >&2; exit 2; }
[[ -f "$TASK" ]] || { echo "local-cluster: task file '$TASK' not found" >&2; exit 2; }
if [[ -z "${PORT:-}" ]]; then
  PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
fi
URL="nats://127.0.0.1:$PORT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dm-cluster-XXXXXX")"
STORE="$WORK/store"
LOGS="$WORK/logs"
PIDS="$WORK/pids"
mkdir -p "$STORE" "$LOGS" "$RUN_DIR"
: >"$PIDS"

# Every process we start is recorded as "<pid> <name>"; cleanup signals exactly those pids.
stop_pid() { # pid signal
  kill -0 "$1" 2>/dev/null && kill "-$2" "$1" 2>/dev/null || true
}
wait_pid() { # pid seconds -> 0 if gone
  local i
  for ((i = 0; i < $2 * 10; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -s "$PIDS" ]]; then
    # agents first (newest first), the nats-server (first line) last
    tac "$PIDS" | while read -r pid name; do
      stop_pid "$pid" TERM
      wait_pid "$pid" 20 || { echo "local-cluster: $name ($pid) ignored SIGTERM, sending SIGKILL" >&2; stop_pid "$pid" KILL; }
    done
  fi
  rm -rf "$STORE"
  if [[ $status -ne 0 || "${KEEP_LOGS:-0}" == 1 ]]; then echo "local-cluster: logs kept in $LOGS" >&2; else rm -rf "$WORK"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started() { echo "$1 $2" >>"$PIDS"; }

"$NATS_SERVER" -js -a 127.0.0.1 -p "$PORT" -sd "$STORE" >"$LOGS/nats.log" 2>&1 &
started $! nats-server
for _ in $(seq 100); do grep -q "Server is ready" "$LOGS/nats.log" && break; sleep 0.1; done
grep -q "Server is ready" "$LOGS/nats.log" || { echo "local-cluster: nats-server did not start:" >&2; cat "$LOGS/nats.log" >&2; exit 1; }
echo "nats-server on $URL (pid $(head -1 "$PIDS" | cut -d' ' -f1), store $STORE)"

agent() { # role name -> starts `datamaster agent <role>` in the background
  local role=$1 name=$2
  "${CLI[@]}" agent "$role" --nats "$URL" --run "$RUN" --task "$TASK" --run-dir "$RUN_DIR" \
    ${BUDGET:+--budget "$BUDGET"} --name "$name" >"$LOGS/$name.out" 2>"$LOGS/$name.err" &
  started $! "$name"
}
joined() { # name mark: waits until the process logged that it joined (or died)
  local name=$1 mark=$2 pid
  pid="$(awk -v n="$name" '$2 == n { print $1 }' "$PIDS")"
  for _ in $(seq 1200); do
    grep -q "$mark" "$LOGS/$name.err" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "local-cluster: $name exited before joining:" >&2; tail -20 "$LOGS/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  echo "local-cluster: $name did not join within 120 s" >&2; exit 1
}

# The recorder first: it owns the LevelDB log and answers state queries.
agent recorder recorder
joined recorder "recording run"
workers=()
for ((i = 1; i <= TRAINERS; i++)); do agent trainer "trainer-$i"; workers+=("trainer-$i:trainer"); done
for ((i = 1; i <= CURATORS; i++)); do agent curator "curator-$i"; workers+=("curator-$i:curator"); done
agent critic critic; workers+=("critic:critic")
agent scout scout; workers+=("scout:scout")
for w in "${workers[@]}"; do joined "${w%%:*}" "${w##*:} joined run"; done

# The planner last: it starts the run and exits by itself once the search is finished and graded.
started_at=$SECONDS
agent planner planner
planner_pid="$(awk '$2 == "planner" { print $1 }' "$PIDS")"
echo "run $RUN: recorder, ${TRAINERS} trainer(s), ${CURATORS} curator(s), critic, scout, planner started; pids in $PIDS"
set +e
wait "$planner_pid"
planner_rc=$?
set -e
echo "planner exited with $planner_rc after $((SECONDS - started_at)) s"

# Stop the agents (SIGTERM: they drain and exit 0), then the server.
tac "$PIDS" | while read -r pid name; do
  [[ "$name" == nats-server ]] && continue
  stop_pid "$pid" TERM
done
failed=0
while read -r pid name; do
  [[ "$name" == nats-server || "$name" == planner ]] && continue
  if wait "$pid"; then :; else echo "local-cluster: $name ($pid) exited with $?" >&2; failed=1; fi
done <"$PIDS"

echo "---- recorder progress (last lines) ----"
tail -n 6 "$LOGS/recorder.out"
echo "---- datamaster replay $RUN_DIR ----"
"${CLI[@]}" replay "$RUN_DIR"
echo "run dir: $RUN_DIR (log: $RUN_DIR/log)"
[[ $planner_rc -eq 0 && $failed -eq 0 ]]
