// Loads the CLI's module for bin/stagecraft.js and bin/cdktf-app.js: the bundle precompiled into
// dist/cli.js (scripts/build-cli.js). In a checkout the bundle is rebuilt first when a source file is
// newer, so an edit is never run stale; if it cannot be built, or STAGECRAFT_TSX=1 is set, tsx runs
// the TypeScript sources directly (slower start-up). An installed package runs its shipped bundle.
function fromSources() {
  require('tsx/cjs');
  return require('../cli/main.ts');
}

async function loadCliModule() {
  const build = require('../scripts/build-cli.js');
  if (!build.hasSources()) return build.loadCli();
  if (process.env.STAGECRAFT_TSX === '1') return fromSources();
  try {
    if (build.isStale()) await build.buildCli();
    return build.loadCli();
  } catch {
    return fromSources();
  }
}

module.exports = { loadCliModule };
