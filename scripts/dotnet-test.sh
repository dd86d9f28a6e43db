#!/usr/bin/env bash
# `dotnet test` with its arguments, and a TRX result file per test project. When a test fails, the names of the failed
# tests and the first lines of their messages are printed again at the very end, so a CI log's last lines say what failed
# (with every project running in parallel, the console interleaves their output).
set -uo pipefail
results=".data/test-results/$(date +%s%N)"
mkdir -p "$results"
dotnet test "$@" --logger "trx" --results-directory "$results"
status=$?
if [ "$status" -ne 0 ]; then
  echo
  echo "==== failed tests (TRX in $results) ===="
  found=0
  for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    # Each result is one <UnitTestResult ...> element; a failed one carries outcome="Failed" and, later, its <Message>.
    while IFS= read -r name; do
      found=1
      echo "FAILED: $name  ($(basename "$trx"))"
    done < <(grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.* testName="\([^"]*\)".*/\1/p')
    grep -A4 '<Message>' "$trx" | head -40 | sed 's/^/    /'
  done
  [ "$found" -eq 1 ] || echo "(no failed test in the TRX files: a build error or a crashed test host; see above)"
fi
exit "$status"
