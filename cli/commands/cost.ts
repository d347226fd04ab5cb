/** `stagecraft cost`: prices the synthesized stacks, per stack, per environment (and per MAU) and per stage. */
import { environmentFiles, loadEnvironments } from '../../config/load';
import { formatCount, formatNumber } from '../../config/stages';
import { CATALOG } from '../../cost/catalog';
import { costByStage, EnvironmentCost, priceSizedEnvironment, StackCost } from '../../cost/estimate';
import { compareToSeedRange, formatSeedRange, formatUsdPerUnit } from '../../cost/reference';
import { sizeEnvironments } from '../../sizing/blueprint';
import { single } from '../args';
import { Command, JSON_FLAG } from '../command';
import { loadStacks } from '../../stacks/stack-source';

const money = (usd: number) => `$${formatNumber(usd, 2)}`;

function notModelledLines(stacks: readonly StackCost[]): string[] {
  const grouped = new Map<string, number>();
  for (const s of stacks) {
    for (const n of s.notModelled) {
      const key = `${n.type}: ${n.component} — ${n.reason}`;
      grouped.set(key, (grouped.get(key) ?? 0) + n.resources);
    }
  }
  // Code-point order: localeCompare would start ICU's collator for this one list.
  return [...grouped.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([text, count]) => `${count} × ${text}`);
}

function formatEnvironment(cost: EnvironmentCost, source: string, detail: boolean): string {
  const lines: string[] = [];
  const mau = cost.mau === undefined ? 'no workload profile' : `${formatCount(cost.mau)} MAU`;
  lines.push(`${cost.environment} (${cost.stage}, ${mau}), stacks read from ${source}`);
  const width = Math.max(...cost.stacks.map((s) => s.stack.length), 'total'.length);
  for (const stack of cost.stacks) {
    lines.push(`  ${stack.stack.padEnd(width)}  ${money(stack.monthlyUsd).padStart(14)}`);
    if (detail) {
      const priced = [...stack.resources].filter((r) => r.monthlyUsd > 0).sort((a, b) => b.monthlyUsd - a.monthlyUsd);
      for (const r of priced) {
        lines.push(`      ${money(r.monthlyUsd).padStart(12)}  ${r.address}`);
        for (const c of r.components) lines.push(`                    ${money(c.monthlyUsd)}  ${c.description}`);
      }
    }
  }
  const perMau = cost.costPerMauUsd === undefined ? '' : ` · ${formatUsdPerUnit(cost.costPerMauUsd)} per MAU`;
  const seed = `seed 004 ${cost.stage}: ${formatSeedRange(cost.stage)} (${compareToSeedRange(cost.stage, cost.monthlyUsd)})`;
  lines.push(`  ${'total'.padEnd(width)}  ${money(cost.monthlyUsd).padStart(14)} a month${perMau} · ${seed}`);
  const unpriced = cost.stacks.flatMap((s) => s.unpriced.map((r) => `${s.stack}: ${r.address}: ${r.reason}`));
  lines.push(unpriced.length === 0 ? '  unpriced: none' : `  unpriced (left out of the total):\n${unpriced.map((u) => `    ${u}`).join('\n')}`);
  const missing = notModelledLines(cost.stacks);
  if (missing.length > 0) lines.push(`  not modelled (usage left out of the total):\n${missing.map((m) => `    ${m}`).join('\n')}`);
  return lines.join('\n');
}

export const costCommand: Command = {
  name: 'cost',
  summary: 'Price the synthesized stacks: monthly cost per stack, per stage and per MAU',
  usage: 'cost [--env <name-or-path>]... [--out <dir>] [--detail] [--json]',
  flags: [
    {
      name: 'env',
      takesValue: true,
      repeatable: true,
      valueName: '<name-or-path>',
      description: 'environment name in environments/, or a YAML path (default: every file in environments/)',
    },
    {
      name: 'out',
      takesValue: true,
      valueName: '<dir>',
      description: 'synthesis to price (default: cdktf.out; environments it lacks are synthesized in-process)',
    },
    { name: 'detail', takesValue: false, description: 'list every priced resource and its components' },
    JSON_FLAG,
  ],
  details: [
    'Every resource of every synthesized cdk.tf.json is priced from the bundled catalog (cost/price-catalog.json):',
    'AWS on-demand list prices of us-east-1 times a per-region multiplier, and Cloudflare list prices, each with',
    'its source and date. Usage-based parts (GB stored and transferred, load balancer capacity units, Worker',
    "requests) come from the environment's workload profile. Free resource types are listed with the reason;",
    'a resource the catalog cannot price is listed as unpriced and left out of the total, never counted as $0.',
  ].join('\n'),
  async run(args, io) {
    const files = environmentFiles(args.values.env ?? [], io.cwd);
    const environments = loadEnvironments(files, io.cwd);
    const sized = sizeEnvironments(environments);
    const stacks = loadStacks(environments, { outdir: single(args, 'out') ?? 'cdktf.out', cwd: io.cwd, warn: (line) => io.err(`${line}\n`) });
    // The same pricing as `size` and `report`: one place decides each region's usage.
    const costs = sized.map((s, i) => priceSizedEnvironment(s, stacks[i].stacks));
    const byStage = costByStage(costs);
    if (args.switches.has('json')) {
      const document = {
        catalog: { asOf: CATALOG.asOf, basis: CATALOG.basis, note: CATALOG.note },
        environments: costs.map((c, i) => ({
          ...c,
          source: stacks[i].source,
          seed004MonthlyRange: formatSeedRange(c.stage),
          seed004Comparison: compareToSeedRange(c.stage, c.monthlyUsd),
        })),
        byStage: byStage.map((s) => ({ ...s, seed004MonthlyRange: formatSeedRange(s.stage) })),
      };
      io.out(`${JSON.stringify(document, null, 2)}\n`);
      return 0;
    }
    const detail = args.switches.has('detail');
    io.out(costs.map((c, i) => formatEnvironment(c, stacks[i].source, detail)).join('\n\n') + '\n\n');
    io.out('by stage:\n');
    const header = ['stage', 'envs', 'MAU', 'monthly', 'per MAU', 'seed 004'];
    const table = byStage.map((s) => [
      s.stage,
      String(s.environments),
      s.mau === undefined ? '-' : formatCount(s.mau),
      money(s.monthlyUsd),
      s.costPerMauUsd === undefined ? '-' : formatUsdPerUnit(s.costPerMauUsd),
      `${formatSeedRange(s.stage)} (${compareToSeedRange(s.stage, s.monthlyUsd)})`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
    for (const row of [header, ...table])
      io.out(
        `  ${row
          .map((cell, i) => (i >= 1 && i <= 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
          .join('  ')
          .trimEnd()}\n`,
      );
    io.out(`\nprices: ${CATALOG.basis} Catalog of ${CATALOG.asOf}.\n`);
    return 0;
  },
};
