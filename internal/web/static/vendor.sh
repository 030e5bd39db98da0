#!/usr/bin/env bash
# Copies the npm front-end packages that the yanxiu binary embeds into
# internal/web/static/vendor/ (git-ignored; only .keep is committed so that
# go:embed always finds the folder). The Makefile runs this before building
# or testing; run it by hand after changing package.json.
#
# npm ci runs only when node_modules is missing or older than
# package-lock.json, so repeated builds do not touch the network.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"

# npm writes node_modules/.package-lock.json on every install, so its age is
# the age of the installed tree.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund
fi

vendor=internal/web/static/vendor
mkdir -p "$vendor"
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
cp node_modules/echarts/dist/echarts.min.js "$vendor/echarts.min.js"

# The minified files are redistributed inside the binary; their licences
# travel with them and are served beside them.
cp node_modules/htmx.org/LICENSE "$vendor/htmx.LICENSE.txt"
cp node_modules/echarts/LICENSE "$vendor/echarts.LICENSE.txt"
cp node_modules/echarts/NOTICE "$vendor/echarts.NOTICE.txt"
cp node_modules/echarts/licenses/LICENSE-d3 "$vendor/echarts.LICENSE-d3.txt"
cp node_modules/zrender/LICENSE "$vendor/zrender.LICENSE.txt"
cp node_modules/tslib/LICENSE.txt "$vendor/tslib.LICENSE.txt"
