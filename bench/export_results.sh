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
# learnact on PATH, else this checkout's virtual environment.
cli="$(command -v learnact || echo "$(dirname "$0")/../.venv/bin/learnact")"
export_as() {  # FORMAT: write the report, replacing the old export only when it worked
  local tmp="$out/$name.$1.tmp"
  if ! "$cli" report "$run" "--$1" > "$tmp"; then
    rm -f "$tmp"
    echo "export failed: learnact report $run --$1" >&2
    exit 1
  fi
  mv "$tmp" "$out/$name.$1"
}
export_as json
export_as csv
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
