#!/usr/bin/env bash
# Export a `learnact compare` run for committing: the report as JSON and CSV, and the
# learned libraries (actions.py + library.json). Not the model, not the SQLite store.
#
#   bash bench/export_results.sh runs/success            # -> bench/results/success.*
set -euo pipefail
run="${1:?usage: bench/export_results.sh RUN_DIR [NAME]}"
name="${2:-$(basename "$run")}"
out="$(dirname "$0")/results"
mkdir -p "$out"
learnact report "$run" --json > "$out/$name.json.tmp" && mv "$out/$name.json.tmp" "$out/$name.json"
learnact report "$run" --csv > "$out/$name.csv.tmp" && mv "$out/$name.csv.tmp" "$out/$name.csv"
if [ -d "$run/learn" ]; then
  rm -rf "$out/$name-libraries"
  for lib in "$run"/learn/*/s*/library; do
    [ -d "$lib" ] || continue
    rel="${lib#"$run"/learn/}"
    mkdir -p "$out/$name-libraries/$rel"
    cp "$lib"/actions.py "$lib"/library.json "$out/$name-libraries/$rel/" 2>/dev/null || true
  done
fi
echo "wrote $out/$name.json, $out/$name.csv and $out/$name-libraries/" >&2
