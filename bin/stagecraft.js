#!/usr/bin/env node
// Runs the CLI precompiled into dist/cli.js (scripts/build-cli.js). The bundle is rebuilt first
// when a source file is newer, so an edit is never run stale. If it cannot be built, or
// STAGECRAFT_TSX=1 is set, tsx runs the TypeScript sources directly (slower start-up).
function fromSources() {
  require('tsx/cjs');
  return require('../cli/main.ts').main;
}

async function entryPoint() {
  if (process.env.STAGECRAFT_TSX === '1') return fromSources();
  try {
    const build = require('../scripts/build-cli.js');
    if (build.isStale()) await build.buildCli();
    return build.loadCli().main;
  } catch {
    return fromSources();
  }
}

entryPoint().then((main) => main());
