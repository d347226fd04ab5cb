/**
 * `synth --out`, `report --out` and `validate --plan-json-dir` never replace what Stagecraft did
 * not write: each dangerous target is refused with exit 2 and its exact message, left exactly as it
 * was, and a real previous synthesis survives a synthesis that fails half way.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { OUTPUT_MARKER } from '../../synthesis/output-directory';
import { project, run, TINY_LAUNCH } from '../helpers/cli';
import { listing } from '../helpers/listing';

const ALLOWED = 'give a new directory, an empty one, or one Stagecraft wrote before (it holds .stagecraft-output)';

describe('output directories on the command line', () => {
  afterEach(() => jest.restoreAllMocks());

  it('refuses the project, its folders, the current directory, a file, a foreign directory and an empty value, and changes nothing', async () => {
    const root = project({ 'environments/tiny.yaml': TINY_LAUNCH, 'package.json': '{}\n', 'services/api.yaml': 'name: api\n', 'docs/guide.md': '# guide\n' });
    writeFileSync(join(root, 'notes.txt'), 'mine\n');
    const env = ['--env', 'environments/tiny.yaml', '--services', 'services-none'];
    mkdirSync(join(root, 'services-none'));
    const cases: Array<[string[], string]> = [
      [['synth', ...env, '--out', '.'], `stagecraft synth: --out: "." (${root}) is the current directory; ${ALLOWED}`],
      [['synth', ...env, '--out', ''], `stagecraft synth: --out: an empty value is not a directory; ${ALLOWED}; received ""`],
      [['synth', ...env, '--out', '/'], `stagecraft synth: --out: "/" is the filesystem root; ${ALLOWED}`],
      [['synth', ...env, '--out', '..'], `stagecraft synth: --out: ".." (${join(root, '..')}) contains the current directory; ${ALLOWED}`],
      [
        ['synth', ...env, '--out', 'environments'],
        `stagecraft synth: --out: "environments" (${root}/environments) is in the project's source folder environments/; ${ALLOWED}`,
      ],
      [
        ['synth', ...env, '--out', 'environments/x.yaml'],
        `stagecraft synth: --out: "environments/x.yaml" (${root}/environments/x.yaml) is in the project's source folder environments/; ${ALLOWED}`,
      ],
      [
        ['synth', ...env, '--out', 'services'],
        `stagecraft synth: --out: "services" (${root}/services) is in the project's source folder services/; ${ALLOWED}`,
      ],
      [
        ['synth', ...env, '--out', 'services-none'],
        `stagecraft synth: --out: "services-none" (${root}/services-none) overlaps services-none, an input of this command; ${ALLOWED}`,
      ],
      [['synth', ...env, '--out', 'docs'], `stagecraft synth: --out: "docs" (${root}/docs) is in the project's source folder docs/; ${ALLOWED}`],
      [['synth', ...env, '--out', 'notes.txt'], `stagecraft synth: --out: "notes.txt" (${root}/notes.txt) is a file, not a directory; ${ALLOWED}`],
      [
        ['synth', ...env, '--out', 'notes.txt/out'],
        `stagecraft synth: --out: "notes.txt/out" (${root}/notes.txt/out) cannot be created: ${root}/notes.txt is a file, not a directory`,
      ],
      [['synth', ...env, '--out', '/proc'], 'stagecraft synth: --out: "/proc" is a mount point; give a directory inside it'],
      [['report', '--env', 'environments/tiny.yaml', '--out', '.'], `stagecraft report: --out: "." (${root}) is the current directory; ${ALLOWED}`],
      [
        ['report', '--env', 'environments/tiny.yaml', '--out', 'environments'],
        `stagecraft report: --out: "environments" (${root}/environments) is in the project's source folder environments/; ${ALLOWED}`,
      ],
      [
        ['validate', '--out', 'base', '--plan-json-dir', 'notes.txt'],
        `stagecraft validate: --plan-json-dir: "notes.txt" (${root}/notes.txt) is a file, not a directory; ${ALLOWED}`,
      ],
      [['validate', '--out', 'base', '--plan-json-dir', '.'], `stagecraft validate: --plan-json-dir: "." (${root}) is the current directory; ${ALLOWED}`],
    ];
    const synth = await run(root, 'synth', ...env, '--out', 'base');
    expect(synth.code).toBe(0);
    const before = listing(root);
    for (const [argv, message] of cases) {
      const result = await run(root, ...argv);
      expect({
        argv,
        code: result.code,
        stderr: result.stderr
          .split('\n')
          .filter((l) => !l.startsWith('synth '))
          .join('\n'),
      }).toEqual({ argv, code: 2, stderr: `${message}\n` });
    }
    expect(listing(root)).toEqual(before);
  });

  it('refuses a project root that is not the current directory, and a non-empty directory Stagecraft did not write', async () => {
    const root = project({ 'environments/tiny.yaml': TINY_LAUNCH, 'app/package.json': '{}\n', 'mine/keep.txt': 'keep\n' });
    const before = listing(root);
    const app = await run(root, 'synth', '--out', 'app');
    expect(app).toEqual({
      code: 2,
      stdout: '',
      stderr: `stagecraft synth: --out: "app" (${root}/app) is a project root (it holds package.json); ${ALLOWED}\n`,
    });
    const mine = await run(root, 'synth', '--out', 'mine');
    expect(mine.stderr).toBe(
      `stagecraft synth: --out: "mine" (${root}/mine) is not empty and was not written by Stagecraft (no .stagecraft-output in it); ${ALLOWED}, or remove it yourself\n`,
    );
    expect(listing(root)).toEqual(before);
  });

  it('replaces its own earlier synthesis, creates a missing parent, and marks what it wrote', async () => {
    const root = project({ 'environments/tiny.yaml': TINY_LAUNCH });
    expect((await run(root, 'synth', '--out', 'build/ci/out')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'build', 'ci', 'out', OUTPUT_MARKER), 'utf8'))).toEqual({ writtenBy: 'stagecraft', kind: 'synthesis' });
    expect((await run(root, 'synth', '--out', 'build/ci/out')).code).toBe(0);
    expect(readdirSync(join(root, 'build', 'ci', 'out')).sort()).toEqual([OUTPUT_MARKER, 'manifest.json', 'stacks']);
    expect(readdirSync(join(root, 'build', 'ci'))).toEqual(['out']);
  });

  it('keeps a real previous synthesis intact when the next synthesis fails after writing part of its output', async () => {
    const root = project({ 'environments/tiny.yaml': TINY_LAUNCH });
    expect((await run(root, 'synth')).code).toBe(0);
    const before = listing(root);
    // The disk fills up once every stack is written: the staging directory is full, the swap never happens.
    const synth = App.prototype.synth;
    jest.spyOn(App.prototype, 'synth').mockImplementation(function (this: App) {
      synth.call(this);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    const failed = await run(root, 'synth');
    expect({ code: failed.code, stdout: failed.stdout, last: failed.stderr.trim().split('\n').pop() }).toEqual({
      code: 2,
      stdout: '',
      last: 'stagecraft synth: --out: could not write "cdktf.out": no space left on the device (ENOSPC); the previous content is unchanged',
    });
    expect(listing(root)).toEqual(before);
  });
});
