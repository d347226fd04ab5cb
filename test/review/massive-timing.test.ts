/**
 * How long a review of two syntheses of the massive example takes, in-process, once both are
 * synthesized: loading both from disk, the diff, the guardrails on the head, the cost, and the Markdown.
 * The head sizes Redis and Kafka up, so the diff has work to do in every region.
 */
import { readSynthesis } from '../../synthesis/read';
import { resolveEnvironment } from '../../config/environment';
import { environmentFiles, loadEnvironments } from '../../config/load';
import { catalogCostEstimator } from '../../review/catalog-cost';
import { diffSyntheses } from '../../review/diff';
import { renderMarkdown } from '../../review/markdown';
import { buildReport } from '../../review/report';
import { PROJECT_ROOT, EXAMPLES_ROOT, synthesizeExample } from '../helpers/examples';
import { cachedSynthesis } from '../helpers/synthesis-cache';

// Both syntheses are only read, so the shared test cache serves them: the base is the massive
// example's stacks out of the shared synthesis of the examples, the head a synthesis of its own.
let baseDir: string;
let headDir: string;
beforeAll(() => {
  const [massive] = loadEnvironments(environmentFiles(['massive'], EXAMPLES_ROOT), EXAMPLES_ROOT);
  baseDir = synthesizeExample(massive.name).outdir;
  const bigger = { ...massive.config, cache: { nodeType: 'cache.r7g.2xlarge' }, streaming: { instanceType: 'kafka.m7g.xlarge' } };
  headDir = cachedSynthesis(PROJECT_ROOT, 'massive-bigger', [resolveEnvironment(bigger, massive.sourceFile)]).outdir;
});

it('reviews two syntheses of the massive environment and prints the time of each phase', () => {
  const origin = { command: 'test', flag: '--base', given: 'base' };
  const started = process.hrtime.bigint();
  const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
  const base = readSynthesis(baseDir, origin, 'base');
  const head = readSynthesis(headDir, origin, 'head');
  const loaded = ms(started);
  const diffStarted = process.hrtime.bigint();
  const stacks = diffSyntheses(base, head);
  const diffed = ms(diffStarted);
  const reportStarted = process.hrtime.bigint();
  const report = buildReport({ mode: 'syntheses', base: 'base', head: 'head', stacks, headSynthesis: head, baseSynthesis: base, cost: catalogCostEstimator() });
  const reported = ms(reportStarted);
  const renderStarted = process.hrtime.bigint();
  const markdown = renderMarkdown(report);
  const rendered = ms(renderStarted);
  const total = ms(started);

  const resources = head.stacks.reduce(
    (n, s) => n + Object.values((s.json.resource ?? {}) as Record<string, object>).reduce((m, byName) => m + Object.keys(byName).length, 0),
    0,
  );
  console.log(
    `review of two massive syntheses (${head.stacks.length} stacks, ${resources} resources): ${total.toFixed(0)} ms ` +
      `(load ${loaded.toFixed(0)} ms, diff ${diffed.toFixed(0)} ms, guardrails, sections and cost ${reported.toFixed(0)} ms, Markdown ${rendered.toFixed(0)} ms)`,
  );
  expect(report.summary).toMatchObject({ update: 6, replace: 0, delete: 0, dataLoss: 0, findings: 0 });
  expect(report.cost?.monthlyDelta).toBeGreaterThan(0);
  expect(markdown.split('\n')[0]).toBe('## Stagecraft review: 0 to add, 6 to change, 0 to replace, 0 to destroy in 3 stacks');
  // The time is printed for the record; speed targets belong to the benchmark, not to a timed test.
});
