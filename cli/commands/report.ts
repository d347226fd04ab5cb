/** `stagecraft report`: a static HTML report of every environment, readable offline. */
import { Problem, UserInputError } from '../../config/errors';
import { priceSizedEnvironment } from '../../cost/estimate';
import { buildTopology } from '../../graph/build';
import { environmentResources, isEnvironmentStack } from '../../graph/stacks';
import { environmentAutoscaling } from '../../graph/workloads';
import { renderDot } from '../../graph/render';
import { checkSynthesis } from '../../policies/engine';
import { blueprintRows, maxPods } from '../../report/components';
import { dotToSvg } from '../../report/diagram';
import { evaluateReadiness } from '../../readiness/engine';
import { comparisonPage, EnvironmentPage, environmentPage, pageFile } from '../../report/pages';
import { outProblem, writeReport } from '../../report/write';
import { STAGES, stageIndex } from '../../config/stages';
import { single } from '../args';
import { Command, FROM_FLAG, JSON_FLAG } from '../command';
import { loadSynthesizedEnvironments } from '../../stacks/environment-synthesis';

const COMMAND = 'stagecraft report';

export const reportCommand: Command = {
  name: 'report',
  summary: 'Write a static HTML report: a page per environment (diagram, sizes, autoscaling, findings, cost) and a stage comparison',
  usage: 'report --out <dir> [--env <name-or-path>]... [--from <dir>] [--json]',
  flags: [
    {
      name: 'out',
      takesValue: true,
      valueName: '<dir>',
      description: 'directory to write the report to; created when missing, replaced when it holds an earlier report (required)',
    },
    {
      name: 'env',
      takesValue: true,
      repeatable: true,
      valueName: '<name-or-path>',
      description: `environment name in environments/, or a YAML path (default: every file in environments/)`,
    },
    FROM_FLAG,
    JSON_FLAG,
  ],
  details: [
    'Pages: index.html compares the stages side by side (charts of monthly cost and capacity, components per',
    'stage); <environment>.html has the topology diagram, sized components, autoscaling rules, guardrail findings',
    'and the monthly cost. Diagrams are rendered to SVG while the report is written (Graphviz in WebAssembly),',
    'so the pages hold no script and load nothing from the network. The report is written to a staging',
    'directory first and swapped in, so a failure leaves an existing report as it was.',
    `Stages are ordered ${STAGES.join(' → ')}. Exit code: 0 on success, 2 on bad input.`,
  ].join('\n'),
  async run(args, io) {
    const out = single(args, 'out');
    const problems: Problem[] = [];
    if (out === undefined) problems.push({ file: COMMAND, path: '--out', message: 'a directory for the report is required' });
    const outBad = out === undefined ? undefined : outProblem(COMMAND, out, io.cwd);
    if (outBad) problems.push(outBad);
    if (problems.length > 0 || out === undefined) throw new UserInputError(problems);

    const progress = (line: string) => io.err(`${line}\n`);
    const { sized, synthesis } = loadSynthesizedEnvironments(COMMAND, args.values.env ?? [], { cwd: io.cwd, from: single(args, 'from'), progress });
    const ordered = [...sized].sort(
      (a, b) => stageIndex(a.environment.stage) - stageIndex(b.environment.stage) || a.environment.name.localeCompare(b.environment.name),
    );
    const pages: EnvironmentPage[] = [];
    for (const s of ordered) {
      const { environment, blueprint, report } = s;
      progress(`report ${environment.name}: diagram, autoscaling, guardrails, readiness, cost`);
      const topology = buildTopology(synthesis, s);
      const checked = checkSynthesis(synthesis, { stackFilter: (v) => v.environment === environment.name });
      const stacks = synthesis.stacks.filter((st) => isEnvironmentStack(environment, st.name));
      pages.push({
        name: environment.name,
        stage: environment.stage,
        file: environment.sourceFile,
        regions: environment.regions.map((r) => r.code),
        mau: report.workload?.mau,
        peakConnections: report.derived?.demand.peakConnections,
        podsMax: maxPods(blueprint, environment.regions.length),
        topology,
        diagramSvg: await dotToSvg(renderDot(topology)),
        components: blueprintRows(blueprint),
        autoscaling: environmentAutoscaling(environmentResources(synthesis, environment), s),
        findings: checked.findings,
        suppressed: checked.suppressed,
        cost: priceSizedEnvironment(s, stacks),
        readiness: evaluateReadiness(synthesis, [environment.name])[0],
      });
    }
    const files = new Map<string, string>([
      ['index.html', comparisonPage(pages)],
      ...pages.map((p): [string, string] => [pageFile(p.name), environmentPage(p, pages)]),
    ]);
    const sizes = writeReport(COMMAND, out, io.cwd, files);
    if (args.switches.has('json')) {
      const totalBytes = sizes.reduce((sum, f) => sum + f.bytes, 0);
      io.out(`${JSON.stringify({ out, pages: sizes.map(({ file, bytes }) => ({ file, bytes })), totalBytes }, null, 2)}\n`);
      return 0;
    }
    for (const { file, bytes } of sizes) io.out(`${file.padEnd(28)} ${String(bytes).padStart(9)} bytes\n`);
    io.out(`wrote ${sizes.length} pages to ${out}: ${sizes.reduce((sum, f) => sum + f.bytes, 0)} bytes in total\n`);
    return 0;
  },
};
