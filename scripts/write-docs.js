#!/usr/bin/env node
// `npm run docs` (after `npm run build`): writes docs/configuration.md, or the file given, from the
// configuration schema. A maintainers' task, so it is a script here rather than a `dtr-ha` command.
const fs = require('node:fs');
const path = require('node:path');
const { renderConfigurationDoc } = require('../packages/framework/dist');

const file = process.argv[2] ?? path.join(__dirname, '..', 'docs', 'configuration.md');
fs.writeFileSync(file, renderConfigurationDoc());
console.error(`wrote ${file}`);
