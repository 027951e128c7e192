#!/usr/bin/env node
// Removes the build output of the packages named (default: the one in the current directory): `dist/`
// and the build info of `tsc -b`. `tsc -b` never deletes an output whose source is gone (a file moved
// to test-support/ stays in dist/ as it was), so a package is packed from a clean build: its
// `prepack` runs this, then `tsc -b`. Removing the build info too makes that `tsc -b` build again.
const fs = require('node:fs');
const path = require('node:path');

const dirs = process.argv.length > 2 ? process.argv.slice(2) : [process.cwd()];
for (const dir of dirs) {
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    console.error(`clean-dist: ${path.resolve(dir)} is not a package (no package.json)`);
    process.exit(2);
  }
  for (const output of ['dist', 'tsconfig.tsbuildinfo']) {
    fs.rmSync(path.join(dir, output), { recursive: true, force: true });
  }
}
