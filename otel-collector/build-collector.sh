#!/usr/bin/env bash
# Builds the collector distribution of builder-config.yaml with the official builder (OCB) and prints the binary's
# path. The binary is cached outside the work tree, keyed by the manifest's content, so CI and every later run reuse
# it; a changed manifest builds anew. Needs Go and the Go module proxy. CGO_ENABLED=0: a static binary, so the image
# can be FROM scratch.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
manifest="$here/builder-config.yaml"
builder_version=v0.161.0
key=$( (cat "$manifest"; echo "$builder_version") | sha256sum | cut -c1-16)
cache="${STALLWATCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stallwatch}/otelcol-$key"
binary="$cache/build/otelcol-stallwatch"
if [ -x "$binary" ]; then
  echo "$binary"
  exit 0
fi
command -v go >/dev/null || { echo "build-collector.sh: Go is needed to build the collector" >&2; exit 3; }
mkdir -p "$cache"
work=$(mktemp -d "$cache/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "building the collector with OCB $builder_version in $cache (a few minutes, once)" >&2
GOBIN="$cache/bin" go install "go.opentelemetry.io/collector/cmd/builder@$builder_version" >&2
cp "$manifest" "$work/builder-config.yaml"
(cd "$work" && CGO_ENABLED=0 GOFLAGS=-trimpath "$cache/bin/builder" --config builder-config.yaml >&2)
mkdir -p "$cache/build"
mv "$work/build/otelcol-stallwatch" "$binary"
echo "$binary"
