#!/usr/bin/env bash
# Runs the Nu HTML Checker (vnu) over every HTML page under a folder; exits non-zero on any error.
#
#   scripts/vnu.sh public
#
# vnu comes from the npm package `vnu-jar`, installed once into .cache/vnu with --ignore-scripts
# (its install script would try to download a Java runtime; we use the system's Java instead:
# `apt-get install -y default-jre-headless`).
set -euo pipefail

dir="${1:?usage: scripts/vnu.sh <dir>}"
[ -d "$dir" ] || { echo "vnu.sh: $dir is not a folder" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${VNU_CACHE:-$root/.cache/vnu}"
jar="${VNU_JAR:-$cache/node_modules/vnu-jar/build/dist/vnu.jar}"

if [ ! -f "$jar" ]; then
  command -v npm >/dev/null || { echo "vnu.sh: npm is needed to install vnu-jar" >&2; exit 2; }
  mkdir -p "$cache"
  (cd "$cache" && npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$cache" vnu-jar >&2)
fi
if ! command -v java >/dev/null; then
  echo "vnu.sh: java is missing (apt-get install -y default-jre-headless)" >&2
  exit 2
fi

pages=$(find "$dir" -name '*.html' | wc -l)
echo "vnu: checking $pages HTML pages under $dir" >&2
# --errors-only: warnings (e.g. about the HTML5 outline) do not fail the check.
java -Xss4m -jar "$jar" --errors-only --skip-non-html "$dir"
echo "vnu: 0 errors in $pages pages" >&2
