#!/usr/bin/env bash
# Builds the local collector image (default name otelcol-stallwatch:0.161.0) from the binary of
# build-collector.sh, unless an image of that name built from the same binary and config exists. Prints the name.
# Needs a running Docker engine; the image has no base, so no registry is needed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
image="${1:-otelcol-stallwatch:0.161.0}"
binary="$("$here/build-collector.sh")"
fingerprint=$(cat "$binary" "$here/config.yaml" "$here/Dockerfile" | sha256sum | cut -c1-16)
if [ "$(docker image inspect --format '{{index .Config.Labels "stallwatch.fingerprint"}}' "$image" 2>/dev/null)" \
    = "$fingerprint" ]; then
  echo "$image"
  exit 0
fi
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$binary" "$context/otelcol-stallwatch"
cp "$here/config.yaml" "$here/Dockerfile" "$context/"
docker build -q --label "stallwatch.fingerprint=$fingerprint" -t "$image" "$context" >&2
echo "$image"
