/** The report's pages: one per environment, and the stage comparison (index.html). */
import { formatCount, formatNumber } from '../config/stages';
import { EnvironmentCost } from '../cost/estimate';
import { formatUsd, formatUsdPerUnit } from '../cost/reference';
import { Topology, TopologyNode } from '../graph/model';
import { AutoscalingRule } from '../graph/workloads';
import { Finding } from '../policies/types';
import { EnvironmentReadiness, outcomeText, STATUS_MARKS } from '../readiness/engine';
import { logBarChart } from './chart';
import { escapeHtml, table } from './html';

/** Everything one environment page shows. */
export interface EnvironmentPage {
  readonly name: string;
  readonly stage: string;
  readonly file: string;
  readonly regions: readonly string[];
  readonly mau?: number;
  readonly peakConnections?: number;
  readonly podsMax?: number;
  readonly topology: Topology;
  /** The diagram, rendered to SVG at report time (no script in the page). */
  readonly diagramSvg: string;
  readonly components: ReadonlyArray<readonly [string, string]>;
  readonly autoscaling: readonly AutoscalingRule[];
  readonly findings: readonly Finding[];
  readonly suppressed: readonly Finding[];
  readonly cost: EnvironmentCost;
  /** Seed 004's production-readiness checklist, read from the synthesized stacks. */
  readonly readiness: EnvironmentReadiness;
}

export const pageFile = (name: string) => `${name}.html`;

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
header { background: #232f3e; color: #fff; padding: 10px 24px; }
header a { color: #ffd591; margin-right: 14px; text-decoration: none; }
header a.current { color: #fff; font-weight: bold; }
main { padding: 8px 24px 40px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 13px; background: #fff; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.diagram { background: #fff; border: 1px solid #ddd; padding: 8px; overflow-x: auto; }
.diagram svg { max-width: 100%; height: auto; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
.chart .tick { fill: #888; font-size: 10px; }
.muted { color: #666; font-size: 13px; }
.ok { color: #1a7f37; } .bad { color: #b42318; }
.mark { font-weight: bold; text-align: center; }
`;

function page(title: string, current: string, environments: readonly EnvironmentPage[], body: string): string {
  const nav = [
    `<a href="index.html"${current === 'index' ? ' class="current"' : ''}>Stages</a>`,
    ...environments.map((e) => `<a href="${pageFile(e.name)}"${current === e.name ? ' class="current"' : ''}>${escapeHtml(e.name)}</a>`),
  ].join('');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may load from anywhere but the report itself.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:">`,
    // An empty icon: otherwise the browser asks the server for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
    `<body><header><strong>Stagecraft</strong> &nbsp; ${nav}</header><main>`,
    body,
    '</main></body></html>',
    '',
  ].join('\n');
}

const money = (usd: number) => `$${formatNumber(usd, 2)}`;

function findingsSection(e: EnvironmentPage): string {
  const summary =
    e.findings.length === 0
      ? `<p class="ok">0 unsuppressed findings; ${e.suppressed.length} suppressed with a reason.</p>`
      : `<p class="bad">${e.findings.length} unsuppressed finding(s); ${e.suppressed.length} suppressed.</p>`;
  const rows = [...e.findings, ...e.suppressed].map((f) => [
    escapeHtml(f.suppressedBecause ? 'suppressed' : f.level),
    escapeHtml(f.ruleId),
    escapeHtml(`${f.stack} ${f.address}`),
    escapeHtml(f.suppressedBecause ?? f.message),
  ]);
  return `<h2>Guardrail findings</h2>${summary}${rows.length > 0 ? table(['level', 'rule', 'resource', 'message or reason'], rows) : ''}`;
}

const MARK_CLASS = { held: 'ok', missing: 'bad', 'not-applicable': 'muted', 'not-infrastructure': 'muted' } as const;

function readinessSection(e: EnvironmentPage): string {
  const r = e.readiness;
  const c = r.counts;
  const summary = `<p class="${r.ready ? 'ok' : 'bad'}">${r.ready ? 'Ready' : 'Not ready'}: ${c.held} held, ${c.missing} missing, ${c['not-applicable']} not applicable at this stage, ${c['not-infrastructure']} not held by infrastructure.</p>`;
  const rows = r.items.map((i) => [
    `<span class="mark ${MARK_CLASS[i.outcome.status]}" title="${i.outcome.status}">${STATUS_MARKS[i.outcome.status]}</span>`,
    escapeHtml(i.id),
    escapeHtml(i.section),
    escapeHtml(i.title),
    escapeHtml(outcomeText(i.outcome)),
  ]);
  return `<h2 id="readiness">Production readiness</h2>${summary}${table(['', 'item', 'section', 'checklist item', 'how it is held, or what is missing'], rows)}`;
}

export function environmentPage(e: EnvironmentPage, all: readonly EnvironmentPage[]): string {
  const mau = e.mau === undefined ? 'no workload profile' : `${formatCount(e.mau)} MAU`;
  const autoscaling = e.autoscaling.map((r) => [
    escapeHtml(r.region),
    escapeHtml(r.target),
    `${r.min}–${r.max}`,
    escapeHtml(r.trigger),
    r.source === 'synthesis' ? 'synthesized stacks' : 'Blueprint (not in the stacks yet)',
  ]);
  const costRows = e.cost.stacks.map((s) => [escapeHtml(s.stack), money(s.monthlyUsd)]);
  costRows.push(['<strong>total</strong>', `<strong>${money(e.cost.monthlyUsd)}</strong>`]);
  const body = [
    `<h1>${escapeHtml(e.name)} <span class="muted">(${escapeHtml(e.stage)}, ${mau}, ${e.regions.map(escapeHtml).join(', ')})</span></h1>`,
    `<p class="muted">From ${escapeHtml(e.file)}. Dashed boxes are sized from the Blueprint, not read from the synthesized stacks.</p>`,
    `<h2>Topology</h2><div class="diagram">${e.diagramSvg}</div>`,
    `<h2>Sized components (per region)</h2>${table(
      ['component', 'size'],
      e.components.map(([c, s]) => [escapeHtml(c), escapeHtml(s)]),
    )}`,
    `<h2>Autoscaling rules</h2>${autoscaling.length > 0 ? table(['region', 'what scales', 'range', 'trigger', 'read from'], autoscaling) : '<p>None: single-host stage.</p>'}`,
    findingsSection(e),
    readinessSection(e),
    `<h2>Monthly cost</h2>${table(['stack', 'monthly'], costRows)}`,
    e.cost.costPerMauUsd === undefined
      ? ''
      : `<p class="muted">${formatUsdPerUnit(e.cost.costPerMauUsd)} per MAU; ${e.cost.unpricedResources} unpriced resource(s) left out of the total.</p>`,
  ].join('\n');
  return page(`${e.name} — Stagecraft`, e.name, all, body);
}

/** Main labels of the components of one kind, for the comparison table. */
function labelsOf(e: EnvironmentPage, test: (node: TopologyNode) => boolean): string {
  const labels = [...new Set(e.topology.nodes.filter(test).map((n) => n.label))];
  return labels.length > 0 ? labels.map(escapeHtml).join('<br>') : '—';
}

export function comparisonPage(environments: readonly EnvironmentPage[]): string {
  const header = ['', ...environments.map((e) => `<a href="${pageFile(e.name)}">${escapeHtml(e.stage)}</a>`)];
  const row = (name: string, cell: (e: EnvironmentPage) => string) => [name, ...environments.map(cell)];
  const rows = [
    row('environment', (e) => escapeHtml(e.name)),
    row('regions', (e) => String(e.regions.length)),
    row('MAU', (e) => (e.mau === undefined ? '—' : formatCount(e.mau))),
    row('peak connections', (e) => (e.peakConnections === undefined ? '—' : formatCount(e.peakConnections))),
    row('pods at max', (e) => (e.podsMax === undefined ? '—' : String(e.podsMax))),
    row('edge', (e) => labelsOf(e, (n) => n.group === 'edge')),
    row(
      'compute',
      (e) =>
        [...new Set(e.topology.groups.filter((g) => g.kind === 'cluster').map((g) => escapeHtml(g.label)))].join('<br>') ||
        labelsOf(e, (n) => n.kind === 'compute'),
    ),
    row('services', (e) => labelsOf(e, (n) => n.kind === 'service')),
    row('databases', (e) => labelsOf(e, (n) => n.kind === 'database')),
    row('cache', (e) => labelsOf(e, (n) => n.kind === 'cache')),
    row('queues and search', (e) => labelsOf(e, (n) => n.kind === 'queue' || n.kind === 'search')),
    row('findings', (e) => `${e.findings.length} (${e.suppressed.length} suppressed)`),
    row('monthly cost', (e) => money(e.cost.monthlyUsd)),
    row('cost per MAU', (e) => (e.cost.costPerMauUsd === undefined ? '—' : formatUsdPerUnit(e.cost.costPerMauUsd))),
  ];
  const cost = logBarChart(
    'Monthly cost (USD, log scale)',
    environments.map((e) => ({ label: e.stage, value: e.cost.monthlyUsd, text: formatUsd(e.cost.monthlyUsd) })),
    '#f38020',
  );
  const capacity = logBarChart(
    'Capacity: MAU served (log scale)',
    environments.map((e) => ({ label: e.stage, value: e.mau ?? 0, text: e.mau === undefined ? 'no workload' : formatCount(e.mau) })),
    '#326ce5',
  );
  const pods = logBarChart(
    'Capacity: pods at max (log scale)',
    environments.map((e) => ({ label: e.stage, value: e.podsMax ?? 0, text: e.podsMax === undefined ? 'hosts' : String(e.podsMax) })),
    '#1a7f37',
  );
  const body = [
    '<h1>Stages side by side</h1>',
    `<p class="muted">${environments.length} environments, each synthesized and priced when this report was written. Click a stage for its diagram.</p>`,
    `<div class="charts">${cost}${capacity}${pods}</div>`,
    `<h2>Components per stage</h2>${table(header, rows, 'compare')}`,
  ].join('\n');
  return page('Stages — Stagecraft', 'index', environments, body);
}
