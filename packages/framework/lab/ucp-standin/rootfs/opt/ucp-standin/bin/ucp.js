#!/usr/bin/env node
'use strict';
// Entry point of the UCP stand-in image: `docker run --rm -v /var/run/docker.sock:/var/run/docker.sock
// <UCP_REPO>/ucp:<UCP_TAG> install|join|fingerprint|id|uninstall [flags]`.

const { main } = require('standin-common/cli');
const { app } = require('../lib/app');

main(app);
