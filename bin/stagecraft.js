#!/usr/bin/env node
// `stagecraft <command>`: runs the CLI precompiled into dist/cli.js (see load-cli.js).
require('./load-cli.js')
  .loadCliModule()
  .then((cli) => cli.main());
