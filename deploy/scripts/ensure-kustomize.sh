#!/usr/bin/env bash
# Prints the path of kustomize v5.5.0 (the version kubectl 1.32 embeds), first installing it with
# `go install` from the Go module proxy into deploy/.tools/bin (git-ignored) when it is not there.
# Go is on every machine of this project; kubectl is not guaranteed, so the tests do not rely on it.
set -euo pipefail
VERSION=v5.5.0
tools="$(cd "$(dirname "$0")/.." && pwd)/.tools/bin"
bin="$tools/kustomize"
mkdir -p "$tools"
# One installer at a time: test files run in parallel and each asks for the binary.
exec 9>"$tools/.lock"
flock 9
if [ ! -x "$bin" ] || [ "$(cat "$tools/kustomize.version" 2>/dev/null)" != "$VERSION" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "ensure-kustomize: Go is needed to install kustomize $VERSION (go install sigs.k8s.io/kustomize/kustomize/v5@$VERSION), or put the binary at $bin" >&2
    exit 1
  fi
  echo "ensure-kustomize: installing kustomize $VERSION into $tools (about a minute, once)" >&2
  GOBIN="$tools" go install "sigs.k8s.io/kustomize/kustomize/v5@$VERSION" >&2
  echo "$VERSION" >"$tools/kustomize.version"
fi
echo "$bin"
