/** In-process CLI runs in a temporary project, for the command tests. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { parse } from 'yaml';
import { EXAMPLES_ROOT } from './examples';
import { copyExampleServices } from './services';

/** Runs the CLI in-process in `cwd`, capturing what it prints. */
export async function run(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/**
 * A temporary project: `files` maps paths (e.g. `environments/a.yaml`, `w.yaml`) to their text.
 * Unless `files` has a `services/` file, it gets the example product's services.
 */
export function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-cli-'));
  mkdirSync(join(root, 'environments'));
  if (!Object.keys(files).some((path) => path.startsWith('services/'))) copyExampleServices(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** A launch environment that synthesizes in about a second, for command tests. */
export const TINY_LAUNCH = 'name: tiny-launch\nstage: launch\nregions: [us-east-1]\ndomain: tiny.example.com\n';

/**
 * The example environments' origin-pull CA (public) and uploaded certificate id as an `edge:`
 * block: with them an environment passes SC-PUB-11/12, as a deployed one must (docs/origin-trust.md).
 */
export const ORIGIN_PULL_CA_EDGE = `edge:\n  originPullCertificateId: ${
  parse(readFileSync(join(EXAMPLES_ROOT, 'environments', 'launch.yaml'), 'utf8')).edge.originPullCertificateId as string
}\n  originPullCa: |\n${(parse(readFileSync(join(EXAMPLES_ROOT, 'environments', 'launch.yaml'), 'utf8')).edge.originPullCa as string)
  .trimEnd()
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}\n`;

/** TINY_LAUNCH with the zone's origin-pull CA and its AWS account (SC-PRE-21): `stagecraft check` finds nothing in it. */
export const TINY_LAUNCH_TRUSTED = TINY_LAUNCH + 'aws:\n  accountId: "111122223333"\n' + ORIGIN_PULL_CA_EDGE;

/** A temporary project with the tiny launch environment (`environments/tiny.yaml`), synthesized into `base`. */
export async function tinyProject(): Promise<string> {
  const root = project({ 'environments/tiny.yaml': TINY_LAUNCH });
  const synth = await run(root, 'synth', '--out', 'base');
  if (synth.code !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  return root;
}
