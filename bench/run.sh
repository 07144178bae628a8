#!/usr/bin/env bash
# Builds the bench (and the spartan binary it references) in Release once, then runs `workloads` with the
# arguments given (e.g. --quick, --modes memory,log-always, --messages 50000). The table is printed at the end and
# kept, with the JSON rows, in bench/out/<UTC timestamp>/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet build bench/Spartan.Bench -c Release -nologo -v quiet

out="bench/out/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
# Hard bound on top of the bench's own watchdog (it stops its servers on SIGTERM).
status=0
timeout -k 30 3h dotnet bench/Spartan.Bench/bin/Release/net10.0/Spartan.Bench.dll workloads --json "$out/workloads.json" "$@" \
  | tee "$out/workloads.md" || status=$?
echo "results: $out/workloads.md, $out/workloads.json"
exit "$status"
