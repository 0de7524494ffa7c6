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
# This checkout's learnact (its virtual environment), else the one on PATH.
cli="$(dirname "$0")/../.venv/bin/learnact"
[ -x "$cli" ] || cli="$(command -v learnact)"
# Write both exports first and replace the old ones only when both worked.
for format in json csv; do
  if ! "$cli" report "$run" "--$format" > "$out/$name.$format.tmp"; then
    rm -f "$out/$name".*.tmp
    echo "export failed: learnact report $run --$format" >&2
    exit 1
  fi
done
mv "$out/$name.json.tmp" "$out/$name.json"
mv "$out/$name.csv.tmp" "$out/$name.csv"
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
