#!/usr/bin/env bash
# Stop the cluster that ceph-up.sh started in STATE_DIR, using only the pids it recorded.
# Memstore keeps data in RAM, so stopping discards the lake stored in it.
set -uo pipefail
state=${1:?usage: ceph-down.sh STATE_DIR}
run="$state/run"
[ -d "$run" ] || { echo "ceph-down: nothing recorded in $run"; exit 0; }

pids=()
for name in client.rgw.local osd.0 mon.a; do
  f="$run/$name.pid"
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" && pids+=("$pid")
  fi
done
for pid in "${pids[@]}"; do
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
done
rm -f "$run"/*.pid "$run"/*.asok
echo "ceph-down: stopped ${#pids[@]} process(es)"
