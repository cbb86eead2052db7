#!/usr/bin/env bash
# Writes a deterministic, synthetic CRM contact CSV (docs/benchmarks.md, "Ingestion").
#
#   scripts/generate-crm-csv.sh --rows N --out FILE [--seed S] [--duplicates RATE] [--bad-every N]
#                               [--canonical]
#
# Header contact_id,first_name,last_name,email,phone,city,country,company,updated_at; people of seven
# countries (UTF-8 names, emails on example.* domains, phones in international form); a share RATE
# (default 0.1) of rows enter an earlier person again under a new contact id with variations; with
# --bad-every N every N-th row is deliberately bad (a dead letter). Same seed (default 42), same bytes.
# --canonical writes the same people in scripts/bench-identity.sh's format with the truth column `person`.
# Builds core and ingestion (package, never install) when the generator's class is missing.
set -euo pipefail
# shellcheck source=lib/ingestion-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ingestion-bench.sh"

if [[ $# -eq 0 || "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit $(( $# == 0 ? 2 : 0 ))
fi
ib_build
ib_tool dev.tessera.ingestion.bench.CrmCsvGenerator "$@"
