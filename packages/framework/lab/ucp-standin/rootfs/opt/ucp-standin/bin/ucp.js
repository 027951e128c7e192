#!/usr/bin/env node
'use strict';
// Entry point of the UCP stand-in image: `docker run --rm -v /var/run/docker.sock:/var/run/docker.sock
// <UCP_REPO>/ucp:<UCP_TAG> install|join|fingerprint|id|uninstall [flags]`.

const { createLogger } = require('standin-common/log');
const { run } = require('standin-common/cli');
const { app } = require('../lib/app');

const logger = createLogger();
run(app(logger), process.argv.slice(2), logger).then(
  // Exit at once: an interactive prompt may still hold stdin open. (Writes to pipes and files are
  // synchronous on Linux, so nothing logged is lost.)
  (code) => process.exit(code),
  (error) => {
    logger.fatal(error && error.stack ? error.stack : String(error));
    process.exit(1);
  },
);
