#!/usr/bin/env node
// The cdktf app (cdktf.json: "app": "node …/bin/cdktf-app.js"): the same precompiled bundle as
// `stagecraft synth` (see load-cli.js), so `cdktf synth` adds only cdktf's own start-up.
require('./load-cli.js')
  .loadCliModule()
  .then((cli) => cli.cdktfApp());
