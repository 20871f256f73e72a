#!/usr/bin/env bash
# The README's test command: installs what the tests need (Debian packages, the Nu HTML
# Checker), then runs every test, including those behind the `external` feature (Chromium,
# nginx, Java). A plain `cargo test` runs everything that needs nothing outside cargo.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
[ -x /usr/sbin/nginx ] || need+=(nginx)
command -v java >/dev/null || need+=(default-jre-headless)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Nu HTML Checker, from npm; its install script would download a Java runtime, so skip it.
VNU_DIR=.cache/vnu
if [ ! -f "$VNU_DIR/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  mkdir -p "$VNU_DIR"
  (cd "$VNU_DIR" && npm install --silent --no-audit --no-fund --ignore-scripts vnu-jar >/dev/null)
fi
export VNU_JAR="$PWD/$VNU_DIR/node_modules/vnu-jar/build/dist/vnu.jar"

# A debug build is enough to check the pages, and the tests below need it anyway: CI stays
# well under its time limit without a second, optimised compile.
cargo build --quiet --features external
# Every page of the example site must pass the HTML checker.
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
./target/debug/gen build --quiet --output "$out/site"
if [ -x scripts/vnu.sh ]; then scripts/vnu.sh "$out/site"; fi

# The dev server against random edit sequences, compared with clean builds after every edit:
# five seeds of 100 edits here (the plain run below does one seed of 40). More seeds:
# GEN_RANDOM_EDITS_SEEDS=20 cargo test --test serve_random
GEN_RANDOM_EDITS_SEEDS=5 GEN_RANDOM_EDITS=100 cargo test --features external --test serve_random

# Four builds of a generated 1,000-article archive compared byte for byte (ignored by a plain
# `cargo test`: a few minutes in a debug build).
cargo test --features external --test determinism -- --ignored

cargo test --features external
