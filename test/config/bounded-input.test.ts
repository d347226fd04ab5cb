/**
 * Bounded input: every file a command reads must be a regular file of at most 1 MiB in valid
 * UTF-8; YAML aliases cannot expand without end; the problem list is capped and long values are
 * cut in messages. Each case of issue 16 gets exit 2 and its exact message, not a hang or a crash.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { project, run, TINY_LAUNCH } from '../helpers/cli';

/** A "billion laughs" of 341 bytes (the issue's was 430): nine levels of nine aliases each, 9^9 strings when expanded. */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => {
    const previous = 'abcdefghi'[i];
    return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`;
  }),
].join('\n');

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

describe('input files are bounded', () => {
  it('refuses a directory, a FIFO, a device, a symbolic link loop and a broken link named *.yaml in environments/', async () => {
    const root = project({ 'environments/tiny.yaml': TINY_LAUNCH });
    mkdirSync(join(root, 'environments', 'dir.yaml'));
    mkfifo(join(root, 'environments', 'fifo.yaml'));
    symlinkSync('/dev/zero', join(root, 'environments', 'zero.yaml'));
    symlinkSync('loop-b.yaml', join(root, 'environments', 'loop-a.yaml'));
    symlinkSync('loop-a.yaml', join(root, 'environments', 'loop-b.yaml'));
    symlinkSync('missing.yaml', join(root, 'environments', 'broken.yaml'));
    const result = await run(root, 'synth');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'environments/broken.yaml: (root): does not exist (or is a broken symbolic link); pass a YAML environment file',
        'environments/dir.yaml: (root): is a directory, not a regular file; pass a YAML environment file',
        'environments/fifo.yaml: (root): is a FIFO (named pipe), not a regular file; pass a YAML environment file',
        'environments/loop-a.yaml: (root): is a symbolic link loop; pass a YAML environment file',
        'environments/loop-b.yaml: (root): is a symbolic link loop; pass a YAML environment file',
        'environments/zero.yaml: (root): is a device, not a regular file; pass a YAML environment file',
        '',
      ].join('\n'),
    });
  });

  it('refuses a file over 1 MiB, naming the limit', async () => {
    const text = `${TINY_LAUNCH}# ${'x'.repeat(1024 * 1024)}\n`;
    const root = project({ 'environments/big.yaml': text });
    const result = await run(root, 'synth');
    expect(result.stderr).toBe(`environments/big.yaml: (root): is ${Buffer.byteLength(text)} bytes; this input may be at most 1048576 bytes (1 MiB)\n`);
    expect(result.code).toBe(2);
  });

  it('refuses a file that is not UTF-8, with the offset of the first bad byte', async () => {
    const root = project({});
    writeFileSync(
      join(root, 'environments', 'latin1.yaml'),
      Buffer.concat([Buffer.from(TINY_LAUNCH), Buffer.from('tags:\n  team: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    const result = await run(root, 'synth');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `environments/latin1.yaml: (root): is not valid UTF-8: byte 0xe9 at byte offset ${TINY_LAUNCH.length + 17}; save the file as UTF-8\n`,
    });
  });

  it('stops a YAML alias bomb of a few hundred bytes with exit 2', async () => {
    expect(Buffer.byteLength(ALIAS_BOMB)).toBeLessThanOrEqual(430);
    const root = project({ 'environments/bomb.yaml': ALIAS_BOMB });
    const result = await run(root, 'synth');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'environments/bomb.yaml: (root): YAML aliases expand too far (more than 100 alias expansions); write the values out instead of nesting aliases\n',
    });
  });

  it('still reports a key given twice in one mapping, with its position', async () => {
    const root = project({ 'environments/twice.yaml': `${TINY_LAUNCH}name: again\n` });
    const result = await run(root, 'synth');
    expect(result.stderr).toBe('environments/twice.yaml: line 5, column 1: YAML syntax error: Map keys must be unique; "name" appears twice\n');
  });

  it('prints the first 50 problems and counts the rest, and cuts long values', async () => {
    const tags = Array.from({ length: 60 }, (_, i) => `  "bad key ${i}!": x`).join('\n');
    const root = project({ 'environments/many.yaml': `${TINY_LAUNCH}tags:\n${tags}\n` });
    const result = await run(root, 'synth');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toBe('environments/many.yaml: tags.bad key 0!: key "bad key 0!" is not a tag key (e.g. team)');
    expect(lines[50]).toBe('… and 10 more problems');

    const long = project({ 'environments/long.yaml': TINY_LAUNCH.replace('stage: launch', `stage: ${'g'.repeat(10_000)}`) });
    const cut = await run(long, 'synth');
    expect(cut.stderr).toBe(
      `environments/long.yaml: stage: "${'g'.repeat(79)}… (10002 characters) is not a stage; allowed: launch, traction, growth, scale, hyperscale, massive\n`,
    );
  });

  it('refuses a services directory that is a device, and a FIFO in a services directory', async () => {
    const root = project({ 'environments/tiny.yaml': TINY_LAUNCH });
    const zero = await run(root, 'synth', '--services', '/dev/zero');
    expect(zero.stderr).toBe(`${relative(root, '/dev/zero')}: (root): is not a directory; give the service catalog directory, one <name>.yaml per service\n`);
    expect(zero.code).toBe(2);
    mkdirSync(join(root, 'catalog'));
    mkfifo(join(root, 'catalog', 'api.yaml'));
    const fifo = await run(root, 'synth', '--services', 'catalog');
    expect(fifo).toEqual({ code: 2, stdout: '', stderr: 'catalog/api.yaml: (root): is a FIFO (named pipe), not a regular file; pass a YAML service file\n' });
  });

  it('refuses a FIFO or a device as --metrics, --workload and --plan', async () => {
    const root = project({ 'environments/tiny.yaml': TINY_LAUNCH });
    mkfifo(join(root, 'pipe'));
    const metrics = await run(root, 'advise', '--metrics', 'pipe');
    expect(metrics).toEqual({ code: 2, stdout: '', stderr: 'pipe: (root): is a FIFO (named pipe), not a regular file; pass a path to a JSON metrics file\n' });
    const workload = await run(root, 'size', '--workload', '/dev/zero');
    expect(workload).toEqual({ code: 2, stdout: '', stderr: '/dev/zero: (root): is a device, not a regular file; pass a path to a YAML workload file\n' });
    const plan = await run(root, 'review', '--plan', 'pipe');
    expect(plan).toEqual({
      code: 2,
      stdout: '',
      stderr: 'stagecraft review: --plan: is a FIFO (named pipe), not a regular file; pass a `terraform show -json` file\n',
    });
  });
});
