#!/usr/bin/env bash
# Runs every test of motcua: vet, then the Go tests on SQLite and PostgreSQL.
# PostgreSQL: MOTCUA_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test?sslmode=disable).
set -euo pipefail
cd "$(dirname "$0")"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on: $unformatted" >&2
  exit 1
fi
go vet ./...
go test -count=1 -timeout 15m "$@" ./...
# Every fuzz target for a few seconds (.ci/fuzz; FUZZ_BUDGET, FUZZTIME): in CI, or with FUZZ=1.
if [ "${CI:-}" = true ] || [ "${FUZZ:-}" = 1 ]; then
  ./.ci/fuzz
fi
