#!/usr/bin/env node
// The `dtr-ha` command's entry. It is a committed file rather than dist/cli/main.js because npm links
// workspace bins during `npm ci` before the root `prepare` has built dist/: a bin pointing into dist
// would not exist then, and `npx dtr-ha` would find no executable to run.
const fs = require('node:fs');
const path = require('node:path');

const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  // Only a repository checkout lacks dist/ (the published package ships it).
  console.error(
    `dtr-ha: ${path.relative(process.cwd(), main) || main} is missing; run \`npm run build\` first`,
  );
  process.exit(1);
}
// main.js runs itself only when it is the process's main module, so it is called here.
void require(main).main(process.argv);
