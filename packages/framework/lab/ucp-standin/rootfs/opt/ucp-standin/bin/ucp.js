#!/usr/bin/env node
'use strict';
// Entry point of the UCP stand-in image: `docker run --rm -v /var/run/docker.sock:/var/run/docker.sock
// <UCP_REPO>/ucp:<UCP_TAG> COMMAND [flags]`, with the commands of the release whose contract the image
// carries (/opt/standin-release/contract.json: the ucp-1.1-standin and ucp-3.x-standin recipes).

const { main } = require('standin-common/cli');
const { app } = require('../lib/app');

main((logger) => {
  try {
    return app(logger);
  } catch (error) {
    // No contract (the bare ucp-standin image) or one of another product: one fatal line, exit 1.
    logger.fatal(error.message);
    process.exit(1);
  }
});
