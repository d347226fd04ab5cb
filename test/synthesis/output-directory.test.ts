/**
 * synthesis/output-directory.ts: every directory a careless or hostile --out can name is refused
 * with its exact message and left as it was, and a failure while writing keeps the previous output.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserInputError } from '../../config/errors';
import { checkOutputDirectory, OUTPUT_MARKER, outputProblem, writeOutputDirectory } from '../../synthesis/output-directory';
import { listing } from '../helpers/listing';

/** A temporary project: package.json, .git, environments/, services/, config/, and a previous Stagecraft synthesis in cdktf.out. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-out-'));
  writeFileSync(join(root, 'package.json'), '{}\n');
  for (const dir of ['.git', 'environments', 'services', 'config', 'cdktf.out', 'notes']) mkdirSync(join(root, dir));
  writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(root, 'environments', 'growth.yaml'), 'name: acme-growth\n');
  writeFileSync(join(root, 'services', 'api.yaml'), 'name: api\n');
  writeFileSync(join(root, 'config', 'schema.ts'), 'export {};\n');
  writeFileSync(join(root, 'notes', 'todo.txt'), 'keep me\n');
  writeFileSync(join(root, 'cdktf.out', OUTPUT_MARKER), '{"writtenBy":"stagecraft","kind":"synthesis"}\n');
  writeFileSync(join(root, 'cdktf.out', 'manifest.json'), '{"stacks":{}}\n');
  writeFileSync(join(root, 'a-file'), 'data\n');
  return root;
}

const ALLOWED = 'give a new directory, an empty one, or one Stagecraft wrote before (it holds .stagecraft-output)';

describe('output directories', () => {
  const synth = (cwd: string) => ({ command: 'stagecraft synth', flag: '--out', kind: 'synthesis' as const, cwd });

  it('refuses each dangerous target with its exact message and leaves the project untouched', () => {
    const root = project();
    const sub = join(root, 'notes');
    const cases: Array<[string, string, string]> = [
      ['', root, `an empty value is not a directory; ${ALLOWED}; received ""`],
      ['   ', root, `an empty value is not a directory; ${ALLOWED}; received ""`],
      ['/', root, `"/" is the filesystem root; ${ALLOWED}`],
      ['.', root, `"." (${root}) is the current directory; ${ALLOWED}`],
      ['..', sub, `".." (${root}) contains the current directory; ${ALLOWED}`],
      [root, join(tmpdir()), `"${root}" is a project root (it holds package.json, .git, environments); ${ALLOWED}`],
      ['environments', root, `"environments" (${root}/environments) is in the project's source folder environments/; ${ALLOWED}`],
      ['environments/x.yaml', root, `"environments/x.yaml" (${root}/environments/x.yaml) is in the project's source folder environments/; ${ALLOWED}`],
      ['services/out', root, `"services/out" (${root}/services/out) is in the project's source folder services/; ${ALLOWED}`],
      ['config', root, `"config" (${root}/config) is in the project's source folder config/; ${ALLOWED}`],
      ['.git', root, `".git" (${root}/.git) is in the project's source folder .git/; ${ALLOWED}`],
      ['a-file', root, `"a-file" (${root}/a-file) is a file, not a directory; ${ALLOWED}`],
      ['a-file/out', root, `"a-file/out" (${root}/a-file/out) cannot be created: ${root}/a-file is a file, not a directory`],
      [
        'notes',
        root,
        `"notes" (${root}/notes) is not empty and was not written by Stagecraft (no .stagecraft-output in it); ${ALLOWED}, or remove it yourself`,
      ],
      ['/proc', root, '"/proc" is a mount point; give a directory inside it'],
    ];
    const before = listing(root);
    for (const [given, cwd, message] of cases) {
      expect({ given, problem: outputProblem(given, synth(cwd)) }).toEqual({ given, problem: { file: 'stagecraft synth', path: '--out', message } });
      expect(() => writeOutputDirectory({ ...synth(cwd), given, path: join(cwd, given) }, () => undefined)).toThrow(UserInputError);
    }
    expect(listing(root)).toEqual(before);
  });

  it('refuses a symbolic link, an input of the command, and output of another kind', () => {
    const root = project();
    symlinkSync(join(root, 'cdktf.out'), join(root, 'link'));
    const report = { ...synth(root), kind: 'report' as const, command: 'stagecraft report' };
    const before = listing(root);
    expect(outputProblem('link', synth(root))?.message).toBe(`"link" (${root}/link) is a symbolic link; give the directory it points to, or a new one`);
    expect(outputProblem('cdktf.out', report)?.message).toBe(
      `"cdktf.out" (${root}/cdktf.out) holds Stagecraft synthesis output, not report output; give another directory`,
    );
    expect(outputProblem('notes', { ...synth(root), inputs: ['notes/todo.txt'] })?.message).toBe(
      `"notes" (${root}/notes) overlaps notes/todo.txt, an input of this command; ${ALLOWED}`,
    );
    expect(listing(root)).toEqual(before);
  });

  it('accepts a new directory, an empty one, its own earlier output, and a bare cdktf synthesis', () => {
    const root = project();
    mkdirSync(join(root, 'empty'));
    mkdirSync(join(root, 'cdktf-own', 'stacks', 'a-stack'), { recursive: true });
    writeFileSync(join(root, 'cdktf-own', 'manifest.json'), '{"version":"0.21.0","stacks":{}}\n');
    writeFileSync(join(root, 'cdktf-own', 'stacks', 'a-stack', 'cdk.tf.json'), '{}\n');
    for (const given of ['new-out', 'deep/new/out', 'empty', 'cdktf.out', 'cdktf-own']) expect(outputProblem(given, synth(root))).toBeUndefined();
    // One foreign file beside a cdktf synthesis makes it someone else's directory.
    writeFileSync(join(root, 'cdktf-own', 'stacks', 'a-stack', 'notes.txt'), 'mine\n');
    expect(outputProblem('cdktf-own', synth(root))?.message).toContain('is not empty and was not written by Stagecraft');
  });

  it('replaces its own output whole, writes the marker, and creates missing parents', () => {
    const root = project();
    const target = checkOutputDirectory('build/ci/out', synth(root));
    writeOutputDirectory(target, (staging) => writeFileSync(join(staging, 'one.txt'), '1'));
    expect(readdirSync(join(root, 'build', 'ci', 'out')).sort()).toEqual([OUTPUT_MARKER, 'one.txt']);
    expect(JSON.parse(readFileSync(join(root, 'build', 'ci', 'out', OUTPUT_MARKER), 'utf8'))).toEqual({ writtenBy: 'stagecraft', kind: 'synthesis' });
    writeOutputDirectory(checkOutputDirectory('build/ci/out', synth(root)), (staging) => writeFileSync(join(staging, 'two.txt'), '2'));
    expect(readdirSync(join(root, 'build', 'ci', 'out')).sort()).toEqual([OUTPUT_MARKER, 'two.txt']);
    expect(readdirSync(join(root, 'build', 'ci'))).toEqual(['out']);
  });

  it('keeps the previous output, and removes its staging and the parents it created, when writing fails', () => {
    const root = project();
    const before = listing(root);
    expect(() =>
      writeOutputDirectory(checkOutputDirectory('cdktf.out', synth(root)), (staging) => {
        writeFileSync(join(staging, 'half.txt'), 'half');
        throw new Error('synthesis failed');
      }),
    ).toThrow('synthesis failed');
    expect(() =>
      writeOutputDirectory(checkOutputDirectory('new/parent/out', synth(root)), () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }),
    ).toThrow(
      new UserInputError([
        {
          file: 'stagecraft synth',
          path: '--out',
          message: 'could not write "new/parent/out": no space left on the device (ENOSPC); the previous content is unchanged',
        },
      ]),
    );
    expect(listing(root)).toEqual(before);
    expect(existsSync(join(root, 'new'))).toBe(false);
  });
});
