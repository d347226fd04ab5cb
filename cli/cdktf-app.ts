/**
 * The cdktf app (`cdktf.json` runs `node bin/cdktf-app.js`, which loads this from the same
 * precompiled bundle as `stagecraft synth`): `npx cdktf synth|diff|deploy <stack>`. It reads the
 * project's environments and services from the project root (config/project.ts), which cdktf
 * runs it in. STAGECRAFT_ENV=name[,name…] narrows it to some environments; the default is all.
 */
import { resolve } from 'node:path';
import { formatProblems, UserInputError } from '../config/errors';
import { environmentFiles, loadEnvironments } from '../config/load';
import { findProjectRoot } from '../config/project';
import { sizeForSynthesis } from '../stacks/synthesize';

/** Synthesizes into cdktf's output directory (CDKTF_OUTDIR); bad input prints its problems and exits 2. */
export function cdktfApp(): void {
  try {
    const root = findProjectRoot(process.cwd());
    const selectors = (process.env.STAGECRAFT_ENV ?? '').split(',').filter((s) => s.length > 0);
    const environments = loadEnvironments(environmentFiles(selectors, root), root);
    // What cdktf deploys passes the same gate as `stagecraft synth`: remote state for production stages.
    const sized = sizeForSynthesis(environments, { deployable: true });
    const outdir = process.env.CDKTF_OUTDIR ?? resolve(root, 'cdktf.out');
    // Loaded only here, as in stacks/synthesize.ts: cli/main re-exports this app, and every
    // module that loads cli/main (each command's tests) would otherwise load cdktf and the stacks.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require('../stacks/app') as typeof import('../stacks/app');
    const { app } = buildApp(sized, { outdir, state: { outdir, stateDir: root } });
    app.synth();
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    process.stderr.write(formatProblems(error.problems) + '\n');
    process.exit(2);
  }
}
