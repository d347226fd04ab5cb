/**
 * `npm run bench`: measures every performance target of the project, each against a reference
 * measured in the same run, and prints a table (stdout) and writes JSON (bench/results/latest.json).
 * Progress goes to stderr. Run `npm run bench -- --help` for the options.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readSynthesis } from '../synthesis/read';
import { catalogCostEstimator } from '../review/catalog-cost';
import { diffSyntheses } from '../review/diff';
import { renderMarkdown } from '../review/markdown';
import { buildReport } from '../review/report';
import { benchCdktf } from './cdktf';
import { jsonWriteFloorMs, ProcessRun, runProcess, synthesisBytes } from './measure';
import { hyperscaleAt, massiveAt, ScalePoint } from './scaling';
import { formatTable, marginalGrowth, met, Row, spread } from './stats';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'bin', 'stagecraft.js');
const NODE = process.execPath;

const HELP = `Usage: npm run bench -- [options]

Measures the performance targets, each paired with a reference measured in the same run:
  synth        npm run synth of every example environment, cold: wall time and peak RSS,
               against a bare require('@cdktf/provider-aws') and the JSON-write floor
  scaling      synthesis of massive at 3, 5, 8 regions and hyperscale at 16, 80, 256 shards:
               milliseconds per resource, and the marginal cost per resource between sizes
               (flat = linear)
  tests        the unit and snapshot suites (npm run test:unit), and the typecheck
               (npm run typecheck), cold, with the scripts' own arguments
  review       review of two syntheses of massive: CLI from a cold process, and in-process
  size, cost   one environment (massive), CLI from a cold process
  cdktf        npx cdktf synth of the launch example against the floor, npx cdktf synth of an
               empty one-stack app: what cdktf adds to stagecraft synth (target: within 0.5 s
               of what it adds to the empty app)

Options:
  --runs <n>          runs per figure (default 5; the test suites run --test-runs times)
  --test-runs <n>     runs of the unit suites (default 1: a run takes about a minute)
  --quick             2 runs per figure
  --skip-tests        leave out the jest suites and the typecheck
  --with-terraform    also time the offline terraform plan suite (npm run test:terraform: all 20
                      stacks, a few minutes) and npm test's typecheck + unit + terraform, in
                      sequence, against < 5 min (wall; CPU seconds beside it)
  --with-worker       also run bench/worker-latency.ts (about 90 s)
  --only cdktf        run only the cdktf section
  --only tests        run only the tests section (with --with-terraform: npm test against < 5 min)
  --out <file>        where the JSON goes (default bench/results/latest.json)
  --help              this text
`;

interface Options {
  runs: number;
  testRuns: number;
  quick: boolean;
  skipTests: boolean;
  withTerraform: boolean;
  withWorker: boolean;
  onlyCdktf: boolean;
  onlyTests: boolean;
  out: string;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    runs: 5,
    testRuns: 1,
    quick: false,
    skipTests: false,
    withTerraform: false,
    withWorker: false,
    onlyCdktf: false,
    onlyTests: false,
    out: join(ROOT, 'bench', 'results', 'latest.json'),
  };
  const count = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) fail(`${flag}: expected a whole number ≥ 1; received ${value ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    } else if (flag === '--runs') options.runs = count(flag, argv[++i]);
    else if (flag === '--test-runs') options.testRuns = count(flag, argv[++i]);
    else if (flag === '--quick') options.quick = true;
    else if (flag === '--skip-tests') options.skipTests = true;
    else if (flag === '--with-terraform') options.withTerraform = true;
    else if (flag === '--with-worker') options.withWorker = true;
    else if (flag === '--only') {
      const section = argv[++i];
      if (section !== 'cdktf' && section !== 'tests') fail(`--only: expected cdktf or tests; received ${section ?? 'nothing'}`);
      if (section === 'cdktf') options.onlyCdktf = true;
      else options.onlyTests = true;
    } else if (flag === '--out') options.out = resolve(argv[++i] ?? fail('--out: expected a file'));
    else fail(`${flag}: unknown option; allowed: --runs, --test-runs, --quick, --skip-tests, --with-terraform, --with-worker, --only, --out, --help`);
  }
  if (options.quick && !argv.includes('--runs')) options.runs = 2;
  return options;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const cli = (args: readonly string[], env?: NodeJS.ProcessEnv): ProcessRun => runProcess(NODE, [CLI, ...args], { cwd: ROOT, env });
const rss = (runs: readonly ProcessRun[]) => spread(runs.map((r) => r.peakRssMb ?? NaN));
const wall = (runs: readonly ProcessRun[]) => spread(runs.map((r) => r.wallMs));
const cpu = (runs: readonly ProcessRun[]) => (runs.every((r) => r.cpuMs !== undefined) ? spread(runs.map((r) => r.cpuMs!)) : undefined);
/** A synthesis directory under `scratch`; synth wants its parent to exist. */
function outDir(scratch: string, ...parts: string[]): string {
  const dir = join(scratch, ...parts, 'cdktf.out');
  mkdirSync(dirname(dir), { recursive: true });
  return dir;
}
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** The baseline the issue names: a cold node process that only does require('@cdktf/provider-aws'). */
function rootImport(): ProcessRun {
  return runProcess(NODE, ['-e', "require('@cdktf/provider-aws')"], { cwd: ROOT });
}

/** A cold node process that does nothing: the start-up floor of every CLI figure. */
function bareNode(): ProcessRun {
  return runProcess(NODE, ['-e', '0'], { cwd: ROOT });
}

/** Every example environment, all stages and stacks: `npm run synth`, each run interleaved with a root-import run. */
function benchSynth(options: Options, scratch: string): { rows: Row[]; outdir: string; details: Record<string, unknown> } {
  const outdir = outDir(scratch, 'examples');
  progress('synth: one untimed run (builds dist/cli.js if it is stale, warms the file cache)');
  cli(['synth', '--out', outdir]);
  const synth: ProcessRun[] = [];
  const plain: ProcessRun[] = [];
  const baseline: ProcessRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    progress(`synth: run ${i + 1}/${options.runs}`);
    baseline.push(rootImport());
    synth.push(runProcess('npm', ['run', '--silent', 'synth', '--', '--out', outdir], { cwd: ROOT }));
    plain.push(cli(['synth', '--out', outdir]));
  }
  const bytes = synthesisBytes(outdir);
  const floor = spread(times(Math.max(options.runs, 3), () => jsonWriteFloorMs(outdir)));
  const summary = /synthesized (\d+) stacks \((\d+) resources\)/.exec(synth[0].stdout);
  const what = summary ? `${summary[1]} stacks, ${summary[2]} resources` : 'every example';
  const baselineWall = wall(baseline);
  const rows: Row[] = [
    {
      target: `npm run synth, all examples (${what}): wall`,
      unit: 'ms',
      measured: wall(synth),
      cpu: cpu(synth),
      reference: { label: "require('@cdktf/provider-aws')", spread: baselineWall, unit: 'ms' },
      goal: { text: '< baseline median', limit: baselineWall.median },
    },
    {
      target: 'npm run synth, all examples: CPU (user + system)',
      unit: 'ms',
      measured: cpu(synth) ?? spread([NaN]),
      reference: { label: "require('@cdktf/provider-aws')", spread: cpu(baseline) ?? spread([NaN]), unit: 'ms' },
      goal: { text: '< baseline median', limit: cpu(baseline)?.median ?? NaN },
    },
    {
      target: 'npm run synth, all examples: peak RSS',
      unit: 'MB',
      measured: rss(synth),
      reference: { label: "require('@cdktf/provider-aws')", spread: rss(baseline), unit: 'MB' },
      goal: { text: '< 400 MB', limit: 400 },
    },
    {
      target: 'node bin/stagecraft.js synth (the same, without npm)',
      unit: 'ms',
      measured: wall(plain),
      cpu: cpu(plain),
      reference: { label: `JSON-write floor, ${(bytes / 1e6).toFixed(1)} MB`, spread: floor, unit: 'ms' },
    },
  ];
  return { rows, outdir, details: { bytes, jsonFloorMs: floor, jsonFloorMBps: bytes / 1e6 / (floor.median / 1000) } };
}

/** One point of a scaling series: in-process synthesis time (from `synth --json`) per resource. */
function benchScalePoint(point: ScalePoint, runs: number, scratch: string) {
  const file = join(scratch, `${point.name}.yaml`);
  writeFileSync(file, point.yaml);
  const outdir = outDir(scratch, point.name);
  const results = times(runs, (i) => {
    progress(`scaling: ${point.name} run ${i + 1}/${runs}`);
    const run = cli(['synth', '--env', file, '--out', outdir, '--json']);
    const document = JSON.parse(run.stdout) as { seconds: number; stacks: Array<{ resources: number }> };
    return { run, ms: document.seconds * 1000, resources: document.stacks.reduce((n, s) => n + s.resources, 0) };
  });
  const resources = results[0].resources;
  const bytes = synthesisBytes(outdir);
  const floor = spread(times(3, () => jsonWriteFloorMs(outdir)));
  return {
    point,
    resources,
    bytes,
    runsMs: results.map((r) => r.ms),
    synthMs: spread(results.map((r) => r.ms)),
    wallMs: wall(results.map((r) => r.run)),
    peakRssMb: rss(results.map((r) => r.run)),
    perResourceMs: spread(results.map((r) => r.ms / resources)),
    floorPerResourceMs: spread([floor.min, floor.median, floor.max].map((ms) => ms / resources)),
  };
}

/**
 * The two series. Each run's time includes fixed costs (loading cdktf and the providers, the
 * edge stack), so the total per resource falls with size; the marginal cost per resource
 * between consecutive sizes is what stays flat when synthesis is linear in the work.
 */
function benchScaling(options: Options, scratch: string): { rows: Row[]; details: unknown[] } {
  const series = [[3, 5, 8].map(massiveAt), [16, 80, 256].map(hyperscaleAt)];
  const rows: Row[] = [];
  const details: unknown[] = [];
  for (const points of series) {
    const measured = points.map((point) => benchScalePoint(point, options.runs, scratch));
    const label = (m: (typeof measured)[number]) =>
      m.point.series === 'regions' ? `massive at ${m.point.size} regions` : `hyperscale at ${m.point.size} shards`;
    for (const m of measured) {
      rows.push({
        target: `synthesis per resource, ${label(m)} (${m.resources} resources, ${(m.synthMs.median / 1000).toFixed(1)} s)`,
        unit: 'ms',
        measured: m.perResourceMs,
        reference: { label: 'JSON-write floor per resource', spread: m.floorPerResourceMs, unit: 'ms' },
      });
    }
    const marginal = measured.slice(1).map((m, i) => {
      const before = measured[i];
      // Run k of one size against run k of the size before.
      const slopes = m.runsMs.map((ms, k) => (ms - before.runsMs[k]) / (m.resources - before.resources));
      return { from: before, to: m, slope: spread(slopes) };
    });
    for (const { from, to, slope } of marginal) {
      rows.push({ target: `marginal cost per resource, ${from.point.size} → ${to.point.size} ${to.point.series}`, unit: 'ms', measured: slope });
    }
    const ratio = marginalGrowth(marginal.map((m) => m.slope));
    rows.push({
      target: `linear in ${points[0].series}: marginal cost per resource, last step ÷ first step`,
      unit: '×',
      measured: spread([ratio]),
      goal: { text: '< 1.5 ×', limit: 1.5 },
    });
    details.push(...measured, {
      series: points[0].series,
      marginal: marginal.map((m) => ({ from: m.from.point.size, to: m.to.point.size, msPerResource: m.slope })),
    });
  }
  return { rows, details };
}

/**
 * The parts of `npm test` (package.json's typecheck, test:unit and test:terraform scripts, run with
 * their exact arguments), cold as on a fresh clone: a fresh shared-synthesis cache and no
 * typecheck build info each run. With --with-terraform, run i of the terraform suite follows run i
 * of the unit suite with the same cache, as in `npm test`; npm test's test:install step is not part
 * of the speed target and not timed.
 */
function benchTests(options: Options, scratch: string): { rows: Row[]; details: Record<string, unknown> } {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  /** A package.json script's arguments after its command (`jest …`, `tsc …`), with single quotes removed. */
  const argsOf = (script: string, command: string): string[] => {
    const words = (scripts[script] ?? '').match(/'[^']*'|\S+/g) ?? [];
    if (words[0] !== command) throw new Error(`package.json scripts.${script} no longer starts with ${command}: ${scripts[script]}`);
    return words.slice(1).map((w) => w.replace(/^'(.*)'$/, '$1'));
  };
  // Traversable by others (mkdtemp makes 0700): the PostgreSQL tests run initdb as the postgres user under the cache.
  const caches = times(options.testRuns, () => {
    const cache = mkdtempSync(join(scratch, 'test-cache-'));
    chmodSync(cache, 0o755);
    return cache;
  });
  const suite = (script: string, label: string) =>
    times(options.testRuns, (i) => {
      progress(`tests: ${label} (npm run ${script}) run ${i + 1}/${options.testRuns}`);
      return runProcess(bin('jest'), [...argsOf(script, 'jest'), '--silent'], { cwd: ROOT, env: { STAGECRAFT_TEST_CACHE_DIR: caches[i], CI: 'true' } });
    });
  const unit = suite('test:unit', 'unit and snapshot suites');
  progress('tests: typecheck (npm run typecheck), cold');
  // The script's own arguments, with the build info in scratch: no earlier run's info makes it incremental.
  const typecheckArgs = argsOf('typecheck', 'tsc').map((arg) => (arg.endsWith('.tsbuildinfo') ? join(scratch, 'typecheck.tsbuildinfo') : arg));
  const typecheck = [runProcess(bin('tsc'), typecheckArgs, { cwd: ROOT })];
  const counts = /Tests:\s+(.*)/.exec(unit[0].stderr)?.[1] ?? '';
  const rows: Row[] = [
    { target: `npm run test:unit, cold (${counts.trim()})`, unit: 'ms', measured: wall(unit), cpu: cpu(unit), goal: { text: '< 60 s', limit: 60_000 } },
    { target: 'npm run typecheck, cold (part of npm test)', unit: 'ms', measured: wall(typecheck), cpu: cpu(typecheck) },
  ];
  if (options.withTerraform) {
    // All 20 example stacks planned offline (regional with the AWS mirror, edge and apps with the stand-in), plus the stand-in's own tests.
    const terraform = suite('test:terraform', 'terraform plan suite');
    const tfCounts = /Tests:\s+(.*)/.exec(terraform[0].stderr)?.[1] ?? '';
    rows.push({
      target: `npm run test:terraform (all 20 example stacks planned offline; ${tfCounts.trim()})`,
      unit: 'ms',
      measured: wall(terraform),
      cpu: cpu(terraform),
    });
    // npm test runs the three one after the other: its time is their sum, run by run.
    const sum = (pick: (run: ProcessRun) => number | undefined) =>
      terraform.map((run, i) => [run, typecheck[0], unit[i]].reduce((total, part) => total + (pick(part) ?? NaN), 0));
    const cpuTotal = sum((run) => run.cpuMs);
    rows.push({
      target: 'npm test: typecheck + test:unit + test:terraform, in sequence (test:install not included)',
      unit: 'ms',
      measured: spread(sum((run) => run.wallMs)),
      ...(cpuTotal.every(Number.isFinite) ? { cpu: spread(cpuTotal) } : {}),
      goal: { text: '< 5 min', limit: 300_000 },
    });
  }
  return { rows, details: { unitPeakRssMb: rss(unit), loadAverage: loadavg() } };
}

/** Two syntheses of massive (the example, and one with bigger Redis and Kafka nodes), reviewed. */
function benchReview(options: Options, scratch: string): Row[] {
  const base = outDir(scratch, 'review', 'base');
  const head = outDir(scratch, 'review', 'head');
  const bigger = join(scratch, 'massive-bigger.yaml');
  const massive = readFileSync(join(ROOT, 'examples', 'chat', 'environments', 'massive.yaml'), 'utf8');
  writeFileSync(bigger, `${massive}cache:\n  nodeType: cache.r7g.2xlarge\nstreaming:\n  instanceType: kafka.m7g.xlarge\n`);
  progress('review: synthesizing massive twice (untimed)');
  cli(['synth', '--env', 'massive', '--out', base]);
  cli(['synth', '--env', bigger, '--out', head]);
  const runs = times(options.runs, (i) => {
    progress(`review: CLI run ${i + 1}/${options.runs}`);
    // Exit 1 says the syntheses differ, as they do here.
    const run = runProcess(NODE, [CLI, 'review', '--base', base, '--head', head, '--format', 'json'], { cwd: ROOT, allowFailure: true });
    if (run.code !== 1) throw new Error(`review exited ${run.code}, expected 1 (changes):\n${run.stderr}`);
    return run;
  });
  const startup = times(options.runs, () => bareNode());
  const inProcess = times(options.runs, () => {
    const started = process.hrtime.bigint();
    const origin = { command: 'bench', flag: '--base', given: 'base' };
    const b = readSynthesis(base, origin, 'base');
    const h = readSynthesis(head, { ...origin, flag: '--head', given: 'head' }, 'head');
    const report = buildReport({
      mode: 'syntheses',
      base: 'base',
      head: 'head',
      stacks: diffSyntheses(b, h),
      headSynthesis: h,
      baseSynthesis: b,
      cost: catalogCostEstimator(),
    });
    renderMarkdown(report);
    return Number(process.hrtime.bigint() - started) / 1e6;
  });
  const nodeStart = wall(startup);
  return [
    {
      target: 'review of two massive syntheses, CLI cold',
      unit: 'ms',
      measured: wall(runs),
      cpu: cpu(runs),
      reference: { label: 'bare node start-up', spread: nodeStart, unit: 'ms' },
      goal: { text: '< 1 s', limit: 1000 },
    },
    {
      target: 'review of two massive syntheses, in-process (load, diff, report, Markdown)',
      unit: 'ms',
      measured: spread(inProcess),
      goal: { text: '< 1 s', limit: 1000 },
    },
  ];
}

/** `size` and `cost` of one environment (massive) from a cold process, reading the synthesis in `outdir`. */
function benchSizeCost(options: Options, outdir: string): Row[] {
  const startup = wall(times(options.runs, () => bareNode()));
  return (['size', 'cost'] as const).map((command) => {
    const runs = times(options.runs, (i) => {
      progress(`${command}: run ${i + 1}/${options.runs}`);
      return cli([command, '--env', 'massive', '--out', outdir]);
    });
    return {
      target: `${command} --env massive, CLI cold`,
      unit: 'ms',
      measured: wall(runs),
      cpu: cpu(runs),
      reference: { label: 'bare node start-up', spread: startup, unit: 'ms' },
      goal: { text: '< 300 ms', limit: 300 },
    };
  });
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), 'stagecraft-bench-'));
  chmodSync(scratch, 0o755);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg(),
  };
  progress(
    `${machine.cpus} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${options.runs} runs per figure`,
  );
  const started = Date.now();
  try {
    const none = { rows: [] as Row[], details: {}, outdir: '' };
    const others = !options.onlyCdktf && !options.onlyTests;
    const cdktf = options.onlyTests ? none : benchCdktf(options.runs, ROOT, scratch, progress);
    const synth = others ? benchSynth(options, scratch) : none;
    const scaling = others ? benchScaling(options, scratch) : none;
    const review = others ? benchReview(options, scratch) : [];
    const sizeCost = others ? benchSizeCost(options, synth.outdir) : [];
    const tests = options.skipTests || options.onlyCdktf ? none : benchTests(options, scratch);
    const rows = [...synth.rows, ...scaling.rows, ...tests.rows, ...review, ...sizeCost, ...cdktf.rows];
    if (options.withWorker) {
      progress('worker: npm run bench:worker');
      const worker = runProcess('npm', ['run', '--silent', 'bench:worker'], { cwd: ROOT });
      process.stderr.write(worker.stdout);
    }
    const table = formatTable(rows);
    process.stdout.write(
      `${table}\n\n${machine.cpus} cores (${machine.cpuModel}), node ${machine.node}, load average at start ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );
    const results = {
      date: new Date().toISOString(),
      machine: { ...machine, loadAverageAtEnd: loadavg() },
      options,
      durationSeconds: (Date.now() - started) / 1000,
      rows: rows.map((row) => ({ ...row, met: met(row) })),
      synth: synth.details,
      scaling: scaling.details,
      tests: tests.details,
      cdktf: cdktf.details,
    };
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, JSON.stringify(results, null, 2) + '\n');
    progress(`results written to ${options.out}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
