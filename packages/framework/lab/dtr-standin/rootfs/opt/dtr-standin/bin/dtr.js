#!/usr/bin/env node
'use strict';
// Entry point of the DTR stand-in image: `docker run --rm -v /var/run/docker.sock:/var/run/docker.sock
// <DTR_REPO>/dtr:<DTR_TAG> install|join|remove|destroy [flags]`.

const { main } = require('standin-common/cli');
const { app } = require('../lib/app');

main(app);
