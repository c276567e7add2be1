#!/usr/bin/env bash
# Rewrites the README's contract table from monitor/config/settings.ts (test/docs/readme.test.ts checks they agree).
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(npx tsx scripts/settings-table.ts 2>/dev/null)
node -e '
  const fs = require("fs");
  const [start, end] = ["<!-- settings-table:start -->", "<!-- settings-table:end -->"];
  const s = fs.readFileSync("README.md", "utf8");
  const a = s.indexOf(start) + start.length, b = s.indexOf(end);
  fs.writeFileSync("README.md", s.slice(0, a) + "\n" + process.argv[1] + "\n" + s.slice(b));
' "$table"
