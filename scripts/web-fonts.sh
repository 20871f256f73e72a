#!/usr/bin/env bash
# Makes the self-hosted web fonts of docs/themes.md ("Web fonts") for a site: variable
# Noto Serif (roman and italic) and Inter, subset to Latin and Cyrillic, and variable Noto Naskh
# Arabic, as WOFF2 in SITE/static/fonts/, with docs/web-fonts/fonts.css as
# SITE/static/css/fonts.css and docs/web-fonts/head.html as SITE/templates/partials/head.html
# (existing files are kept). Prints each file's size.
#
#   scripts/web-fonts.sh path/to/site
#
# Needs: fonttools and brotli (pip install fonttools brotli), npm, and Debian's
# fonts-inter-variable (apt-get install fonts-inter-variable). Every face is OFL 1.1.
set -euo pipefail

site="${1:?usage: scripts/web-fonts.sh <site folder>}"
[ -f "$site/site.toml" ] || { echo "web-fonts.sh: no site.toml in $site" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${WEB_FONTS_CACHE:-$root/.cache/web-fonts}"
inter=/usr/share/fonts/truetype/inter-vf/Inter-roman.var.ttf

command -v pyftsubset >/dev/null || { echo "web-fonts.sh: pip install fonttools brotli" >&2; exit 2; }
[ -f "$inter" ] || { echo "web-fonts.sh: apt-get install fonts-inter-variable" >&2; exit 2; }
fs="$cache/node_modules/@fontsource-variable"
if [ ! -d "$fs/noto-serif" ] || [ ! -d "$fs/noto-naskh-arabic" ]; then
  mkdir -p "$cache"
  npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$cache" \
    @fontsource-variable/noto-serif@5 @fontsource-variable/noto-naskh-arabic@5 >&2
fi

# The unicode-range of each subset, as docs/web-fonts/fonts.css declares it.
latin="U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
cyrillic="U+0301,U+0400-045F,U+0490-0491,U+04B0-04B1,U+2116"
arabic="U+0600-06FF,U+0750-077F,U+0870-088E,U+0890-0891,U+0897-08E1,U+08E3-08FF,U+200C-200E,U+2010-2011,U+204F,U+2E41,U+FB50-FDFF,U+FE70-FE74,U+FE76-FEFC"

out="$site/static/fonts"
mkdir -p "$out"
subset() { # source, unicodes, output name
  pyftsubset "$1" --unicodes="$2" --flavor=woff2 --no-hinting --desubroutinize \
    --output-file="$out/$3" 2>/dev/null
  printf '%7d  %s\n' "$(stat -c %s "$out/$3")" "static/fonts/$3"
}
subset "$fs/noto-serif/files/noto-serif-latin-wght-normal.woff2" "$latin" serif-latin.woff2
subset "$fs/noto-serif/files/noto-serif-cyrillic-wght-normal.woff2" "$cyrillic" serif-cyrillic.woff2
subset "$fs/noto-serif/files/noto-serif-latin-wght-italic.woff2" "$latin" serif-latin-italic.woff2
subset "$fs/noto-serif/files/noto-serif-cyrillic-wght-italic.woff2" "$cyrillic" serif-cyrillic-italic.woff2
subset "$inter" "$latin" sans-latin.woff2
subset "$inter" "$cyrillic" sans-cyrillic.woff2
subset "$fs/noto-naskh-arabic/files/noto-naskh-arabic-arabic-wght-normal.woff2" "$arabic" naskh-arabic.woff2

mkdir -p "$site/static/css" "$site/templates/partials"
[ -e "$site/static/css/fonts.css" ] || cp "$root/docs/web-fonts/fonts.css" "$site/static/css/fonts.css"
[ -e "$site/templates/partials/head.html" ] || cp "$root/docs/web-fonts/head.html" "$site/templates/partials/head.html"
