/**
 * The cdktf app (`cdktf.json` runs this): `npx cdktf synth|diff|deploy <stack>`.
 * STAGECRAFT_ENV=name[,name…] narrows it to some environments; the default is all of them.
 */
import { resolve } from 'node:path';
import { formatProblems, UserInputError } from './config/errors';
import { environmentFiles, loadEnvironments } from './config/load';
import { stateBackendProblems } from './config/state-backend';
import { sizeEnvironments } from './sizing/blueprint';
import { buildApp } from './stacks/app';

try {
  const selectors = (process.env.STAGECRAFT_ENV ?? '').split(',').filter((s) => s.length > 0);
  const environments = loadEnvironments(environmentFiles(selectors));
  // What cdktf deploys: production stages keep state remotely (config/state-backend.ts).
  const remoteState = environments.flatMap(stateBackendProblems);
  if (remoteState.length > 0) throw new UserInputError(remoteState);
  const outdir = process.env.CDKTF_OUTDIR ?? resolve('cdktf.out');
  const { app } = buildApp(sizeEnvironments(environments), { outdir, state: { outdir, stateDir: process.cwd() } });
  app.synth();
} catch (error) {
  if (!(error instanceof UserInputError)) throw error;
  process.stderr.write(formatProblems(error.problems) + '\n');
  process.exit(2);
}
