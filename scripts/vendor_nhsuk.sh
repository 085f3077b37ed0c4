#!/usr/bin/env bash
# Re-vendor the NHS.UK frontend from the npm registry into static/vendor/nhsuk/.
# The app serves every asset itself, so the CSS is rewritten: image paths become relative and
# the @font-face rules that load Frutiger from assets.nhs.uk are removed (the page falls back to
# Arial, as the NHS.UK frontend intends when the web fonts are absent).
set -euo pipefail
version="${1:-10.6.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "nhsuk-frontend@$version" >/dev/null 2>&1 && tar xzf nhsuk-frontend-*.tgz)
dest="$here/static/vendor/nhsuk"
rm -rf "$dest" && mkdir -p "$dest"
src="$work/package/dist/nhsuk"
sed -e 's#@font-face{[^}]*assets\.nhs\.uk[^}]*}##g' -e 's#url(/assets/images/#url(assets/images/#g' \
  "$src/nhsuk-frontend.min.css" > "$dest/nhsuk-frontend.min.css"
cp "$src/nhsuk-frontend.min.js" "$dest/nhsuk-frontend.min.js"
cp -r "$src/assets" "$dest/assets"
if grep -q 'https://' "$dest/nhsuk-frontend.min.css"; then
  echo "vendor_nhsuk: the CSS still refers to the internet" >&2; exit 1
fi
cat > "$dest/VERSION.md" <<TXT
nhsuk-frontend $version, from the npm registry (package nhsuk-frontend), MIT licence (see LICENCE).
Vendored by scripts/vendor_nhsuk.sh: dist/nhsuk/nhsuk-frontend.min.css (image URLs made relative,
external Frutiger @font-face rules removed), dist/nhsuk/nhsuk-frontend.min.js and dist/nhsuk/assets/.
TXT
cat > "$dest/LICENCE" <<'TXT'
The MIT License (MIT)

Copyright (c) 2024 NHS England

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
TXT
echo "vendored nhsuk-frontend $version into $dest"
