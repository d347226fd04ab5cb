/**
 * `--json` works the same way on every command: `--help` lists it, the output is one JSON document
 * on stdout with progress only on stderr, and bad input still exits 2 with the message on stderr.
 * The table must name every command of the CLI, so a new command without `--json` fails here.
 */
import { COMMANDS } from '../../cli/main';
import { project, run, TINY_LAUNCH_TRUSTED } from '../helpers/cli';

let root: string;
beforeAll(async () => {
  root = project({
    'environments/tiny.yaml': TINY_LAUNCH_TRUSTED,
    'm.json': JSON.stringify({ stage: 'launch', mau: 20_000, appCpuPercent: 30 }),
    'w.yaml': 'mau: 20000\n',
  });
  const synth = await run(root, 'synth', '--out', 'base');
  if (synth.code !== 0) throw new Error(synth.stderr);
}, 120_000);

/** Per command: arguments of a good run and its exit code, and of a bad run with the exact message. */
const CASES: Record<string, { good: string[]; code: number; bad: string[]; message: string }> = {
  init: {
    good: ['--dir', 'starter'],
    code: 0,
    bad: ['--dir', 'w.yaml'],
    message: 'stagecraft init: --dir: "w.yaml" is a file; give a folder (it is created when missing)',
  },
  synth: {
    good: ['--out', 'again'],
    code: 0,
    bad: ['--env', 'nope'],
    message: 'nope: (root): no such environment file or name; known environments: tiny (tiny-launch)',
  },
  check: { good: ['--out', 'base'], code: 0, bad: ['--level', 'fatal'], message: 'stagecraft check: --level: "fatal" is not a level; allowed: error, warning' },
  validate: {
    good: ['--out', 'base', '--stack', 'tiny-launch-edge'],
    code: 0,
    bad: ['--out', 'base', '--stack', 'nope'],
    message: 'stagecraft validate: --stack: unknown stack "nope"; known stacks: tiny-launch-edge, tiny-launch-us-east-1',
  },
  size: {
    good: ['--workload', 'w.yaml'],
    code: 0,
    bad: ['--env', 'nope'],
    message: 'nope: (root): no such environment file or name; known environments: tiny (tiny-launch)',
  },
  cost: {
    good: ['--env', 'tiny', '--out', 'base'],
    code: 0,
    bad: ['--env', 'nope'],
    message: 'nope: (root): no such environment file or name; known environments: tiny (tiny-launch)',
  },
  advise: {
    good: ['--metrics', 'm.json'],
    code: 0,
    bad: ['--metrics', 'missing.json'],
    message: 'missing.json: (root): does not exist (or is a broken symbolic link); pass a path to a JSON metrics file',
  },
  graph: {
    good: ['--env', 'tiny', '--from', 'base'],
    code: 0,
    bad: ['--env', 'tiny', '--format', 'dot'],
    message: 'stagecraft graph: --json: prints JSON, which --format dot contradicts; give one of them',
  },
  report: {
    good: ['--out', 'html', '--env', 'tiny', '--from', 'base'],
    code: 0,
    bad: ['--env', 'tiny'],
    message: 'stagecraft report: --out: a directory for the report is required',
  },
  readiness: {
    good: ['--env', 'tiny', '--from', 'base'],
    // The tiny environment names no pager endpoint, so "alarms routed to a pager" is missing: exit 1, still one JSON document.
    code: 1,
    bad: ['--env', 'nope'],
    message: 'nope: (root): no such environment file or name; known environments: tiny (tiny-launch)',
  },
  review: {
    good: ['--base', 'base', '--head', 'base'],
    code: 0,
    bad: ['--base', 'base', '--head', 'base', '--format', 'md'],
    message: 'stagecraft review: --json: prints JSON, which --format md contradicts; give one of them',
  },
};

describe('--json on every command', () => {
  it('has a case for every command', () => {
    expect(Object.keys(CASES).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it.each(COMMANDS.map((c) => c.name))('%s: --help lists --json', async (name) => {
    const help = await run(root, name, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}--json\b.*JSON/m);
  });

  it.each(COMMANDS.map((c) => c.name))(
    '%s --json: one JSON document on stdout, progress on stderr only',
    async (name) => {
      const { good, code } = CASES[name];
      const result = await run(root, name, ...good, '--json');
      expect(result.code).toBe(code);
      expect(() => JSON.parse(result.stdout)).not.toThrow();
      expect(typeof JSON.parse(result.stdout)).toBe('object');
      expect(result.stdout.endsWith('\n')).toBe(true);
      for (const line of result.stderr.split('\n').filter((l) => l !== '')) expect(line.startsWith('{')).toBe(false);
    },
    120_000,
  );

  it.each(COMMANDS.map((c) => c.name))('%s --json with bad input: exit 2, the message on stderr, nothing on stdout', async (name) => {
    const { bad, message } = CASES[name];
    const result = await run(root, name, ...bad, '--json');
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toBe(`${message}\n`);
  });
});
