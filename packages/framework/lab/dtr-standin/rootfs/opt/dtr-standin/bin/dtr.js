#!/usr/bin/env node
'use strict';
// Entry point of the DTR stand-in images: `docker run --rm -v /var/run/docker.sock:/var/run/docker.sock
// <DTR_REPO>/dtr:<DTR_TAG> COMMAND [flags]`, with the commands of the release contract in the image.

const { main } = require('standin-common/cli');
const { createLogger } = require('standin-common/log');
const { app } = require('../lib/app');

try {
  main(app); // builds the app (reading the contract) before it runs anything
} catch (error) {
  // No release contract (the base image run by itself): one fatal line, as for any other failure.
  createLogger().fatal(error.message);
  process.exit(1);
}
