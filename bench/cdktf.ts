/**
 * `npx cdktf synth` against its same-run floor. cdktf.json runs the precompiled bundle
 * (bin/cdktf-app.js), so `cdktf synth` should cost what `stagecraft synth` costs plus only
 * cdktf's own start. Measured, interleaved run by run:
 *   C  npx cdktf synth of the launch example (STAGECRAFT_ENV=launch)
 *   S  node bin/stagecraft.js synth --env launch (the same synthesis without cdktf)
 *   F  npx cdktf synth of an empty app that writes one stack: the floor, cdktf's own start
 *   E  node <that empty app>: the app's own share of F
 * The target: what cdktf adds to stagecraft synth (C − S) is within 0.5 s of what it adds to
 * the empty app (F − E).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessRun, runProcess } from './measure';
import { Row, spread } from './stats';

/** How far above the floor's overhead `cdktf synth` may be, ms. */
export const CDKTF_OVERHEAD_ALLOWANCE_MS = 500;

/** cdktf-cli asks HashiCorp's checkpoint service for updates unless told not to: no network in a benchmark. */
const CDKTF_ENV: NodeJS.ProcessEnv = { CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0' };

/** An app that synthesizes one empty stack, with its cdktf.json; under ROOT/node_modules so `npx cdktf` resolves this project's CLI. */
function emptyApp(root: string): string {
  const dir = join(root, 'node_modules', '.cache', 'stagecraft-bench', 'empty-cdktf-app');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'app.js'),
    [
      `const { App, TerraformStack } = require(${JSON.stringify(join(root, 'node_modules', 'cdktf'))});`,
      'const app = new App();',
      "new TerraformStack(app, 'empty');",
      'app.synth();',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node app.js', sendCrashReports: 'false', context: {} }) + '\n');
  return dir;
}

const median = (runs: readonly ProcessRun[]) => spread(runs.map((r) => r.wallMs));
/** CPU (user + system) of the runs: the part a busy machine does not inflate. */
const cpuOf = (runs: readonly ProcessRun[]) => (runs.every((r) => r.cpuMs !== undefined) ? spread(runs.map((r) => r.cpuMs!)) : undefined);

/** The rows of the cdktf section; `scratch` takes the outputs (never the project's cdktf.out). */
export function benchCdktf(runs: number, root: string, scratch: string, progress: (line: string) => void): { rows: Row[]; details: Record<string, unknown> } {
  const app = emptyApp(root);
  // cdktf and the App create the output folder but not its parents.
  mkdirSync(join(scratch, 'cdktf'), { recursive: true });
  const out = (name: string) => join(scratch, 'cdktf', name);
  const cdktf = (cwd: string, output: string, env: NodeJS.ProcessEnv = {}) =>
    runProcess('npx', ['cdktf', 'synth', '--output', output], { cwd, env: { ...CDKTF_ENV, ...env } });
  const stagecraft = () =>
    runProcess(process.execPath, [join(root, 'bin', 'stagecraft.js'), 'synth', '--env', 'launch', '--out', out('stagecraft')], { cwd: root });
  const direct = () => runProcess(process.execPath, ['app.js'], { cwd: app, env: { CDKTF_OUTDIR: out('direct') } });
  progress('cdktf: one untimed run of each (warms the file cache, builds dist/cli.js if it is stale)');
  cdktf(app, out('floor'));
  cdktf(root, out('launch'), { STAGECRAFT_ENV: 'launch' });
  const floor: ProcessRun[] = [];
  const empty: ProcessRun[] = [];
  const synth: ProcessRun[] = [];
  const plain: ProcessRun[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`cdktf: run ${i + 1}/${runs}`);
    floor.push(cdktf(app, out('floor')));
    empty.push(direct());
    synth.push(cdktf(root, out('launch'), { STAGECRAFT_ENV: 'launch' }));
    plain.push(stagecraft());
  }
  const addedToStagecraft = spread(synth.map((run, i) => run.wallMs - plain[i].wallMs));
  const addedToEmpty = spread(floor.map((run, i) => run.wallMs - empty[i].wallMs));
  const rows: Row[] = [
    {
      target: 'npx cdktf synth, launch example (STAGECRAFT_ENV=launch): wall',
      unit: 'ms',
      measured: median(synth),
      cpu: cpuOf(synth),
      reference: { label: 'npx cdktf synth of an empty one-stack app (floor)', spread: median(floor), unit: 'ms' },
    },
    {
      target: 'node bin/stagecraft.js synth --env launch (the same synthesis without cdktf)',
      unit: 'ms',
      measured: median(plain),
      cpu: cpuOf(plain),
      reference: { label: 'node <empty one-stack app>', spread: median(empty), unit: 'ms' },
    },
    {
      target: 'time cdktf adds to stagecraft synth (C − S, per run)',
      unit: 'ms',
      measured: addedToStagecraft,
      reference: { label: 'time cdktf adds to the empty app (F − E, per run)', spread: addedToEmpty, unit: 'ms' },
      goal: { text: `< reference median + ${CDKTF_OVERHEAD_ALLOWANCE_MS} ms`, limit: addedToEmpty.median + CDKTF_OVERHEAD_ALLOWANCE_MS },
    },
  ];
  rmSync(app, { recursive: true, force: true });
  const cpuMs = { cdktfSynth: cpuOf(synth), floor: cpuOf(floor), stagecraftSynth: cpuOf(plain), emptyApp: cpuOf(empty) };
  return { rows, details: { cdktfSynthMs: median(synth), floorMs: median(floor), stagecraftSynthMs: median(plain), emptyAppMs: median(empty), cpuMs } };
}
