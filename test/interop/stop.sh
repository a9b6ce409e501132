#!/usr/bin/env bash
# Stops the interop daemons that start.sh launched, by the pids it recorded, then removes their directory (unless --keep).
set -uo pipefail

dir="${1:?usage: stop.sh DIR [--keep]}"
keep="${2:-}"

for name in nginx vsftpd sshd; do
  file="$dir/$name.pid"
  [ -s "$file" ] || continue
  pid="$(cat "$file")"
  kill "$pid" 2>/dev/null || true
  # Bounded wait for a clean exit, then force.
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
done

if [ "$keep" != "--keep" ] && [ -f "$dir/env.json" ]; then
  rm -rf "$dir"
fi
