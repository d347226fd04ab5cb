#!/usr/bin/env node
// Runs the CLI precompiled into dist/cli.js (scripts/build-cli.js). The bundle is rebuilt first
// when a source file is newer, so an edit is never run stale. If it cannot be built, or
// STAGECRAFT_TSX=1 is set, tsx runs the TypeScript sources directly (slower start-up).
let main;
if (process.env.STAGECRAFT_TSX !== '1') {
  try {
    const build = require('../scripts/build-cli.js');
    if (build.isStale()) build.buildCli();
    main = build.loadCli().main;
  } catch {
    main = undefined;
  }
}
if (!main) {
  require('tsx/cjs');
  main = require('../cli/main.ts').main;
}
main();
