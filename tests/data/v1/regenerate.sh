#!/usr/bin/env bash
# Writes expected/ with the outputs of a gwsim v1 binary (GWSIM=path/to/gwsim), run from the
# repository's root. The test `v1_files_keep_their_numbers` runs the same commands with the
# current binary and requires every value v1 wrote to be there, bit for bit.
set -euo pipefail
cd "$(dirname "$0")/../../.."
bin=${GWSIM:?set GWSIM to a gwsim v1 binary}
dir=tests/data/v1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
while read -r name args; do
  # shellcheck disable=SC2086
  "$bin" $args --format json --quiet --no-charts --out "$out/$name" > "$dir/expected/$name.json"
done < "$dir/commands.txt"
