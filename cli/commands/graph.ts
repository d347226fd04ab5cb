/** `stagecraft graph`: the topology of an environment as Mermaid, DOT or JSON. */
import { Problem, UserInputError } from '../../config/errors';
import { buildTopology, LEVELS } from '../../graph/build';
import { TopologyLevel } from '../../graph/model';
import { FORMATS, GraphFormat, renderTopology } from '../../graph/render';
import { single } from '../args';
import { Command, FROM_FLAG, JSON_FLAG } from '../command';
import { loadSynthesizedEnvironments } from '../../stacks/environment-synthesis';

const COMMAND = 'stagecraft graph';

/** A flag's value, checked against its allowed values; a wrong one is added to `problems` (all are reported at once). */
export function oneOf<T extends string>(command: string, problems: Problem[], flag: string, what: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) problems.push({ file: command, path: flag, message: `"${value}" is not ${what}; allowed: ${allowed.join(', ')}` });
  return value as T;
}

export const graphCommand: Command = {
  name: 'graph',
  summary: 'Draw the topology of an environment: edge, regions, services and data stores with their sizes',
  usage: 'graph --env <name-or-path> [--format mermaid|dot|json] [--json] [--level component|resource] [--from <dir>]',
  flags: [
    { name: 'env', takesValue: true, valueName: '<name-or-path>', description: 'environment name in environments/, or a YAML path (required)' },
    { name: 'format', takesValue: true, valueName: '<mermaid|dot|json>', description: 'output language (default: mermaid)' },
    {
      name: 'level',
      takesValue: true,
      valueName: '<component|resource>',
      description: 'component: what a reader thinks in; resource: one node per Terraform resource (default: component)',
    },
    FROM_FLAG,
    { ...JSON_FLAG, description: 'the same as --format json: one JSON document on stdout' },
  ],
  details: [
    'Groups are the Cloudflare edge, each AWS region and the EKS cluster inside it. Sizes are read from the',
    'synthesized stacks (node groups, Aurora instances, Redis shards, Kafka brokers, HPAs of the apps stack);',
    'what the stacks do not carry yet comes from the Blueprint (pod ranges, CockroachDB nodes, on-host stores),',
    'marked "source": "blueprint" in JSON and drawn dashed in DOT. Edges carry protocol and port.',
    'A product service reaches the stores its service file declares; a platform workload (cluster autoscaler,',
    'collector, operations Jobs, CockroachDB) only what its pod spec and Pod Identity role name, and the AWS APIs it calls.',
    'Without --from nothing is written: the synthesis goes to a temporary directory that is removed.',
    'Exit code: 0 on success, 2 on bad input.',
  ].join('\n'),
  async run(args, io) {
    const problems: Problem[] = [];
    const env = single(args, 'env');
    if (env === undefined) problems.push({ file: COMMAND, path: '--env', message: 'an environment is required (a name in environments/ or a YAML path)' });
    const formatGiven = single(args, 'format');
    const json = args.switches.has('json');
    if (json && formatGiven !== undefined && formatGiven !== 'json')
      problems.push({ file: COMMAND, path: '--json', message: `prints JSON, which --format ${formatGiven} contradicts; give one of them` });
    const format: GraphFormat = oneOf(COMMAND, problems, '--format', 'a format', formatGiven ?? (json ? 'json' : 'mermaid'), FORMATS);
    const level: TopologyLevel = oneOf(COMMAND, problems, '--level', 'a level', single(args, 'level') ?? 'component', LEVELS);
    if (problems.length > 0 || env === undefined) throw new UserInputError(problems);
    const { sized, synthesis } = loadSynthesizedEnvironments(COMMAND, [env], {
      cwd: io.cwd,
      from: single(args, 'from'),
      progress: (line) => io.err(`${line}\n`),
    });
    io.out(renderTopology(buildTopology(synthesis, sized[0], level), format));
    return 0;
  },
};
