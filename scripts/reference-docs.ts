/**
 * `npm run docs`: writes the reference pages under docs/reference/ from the code — the environment
 * and service file references from the zod schemas (their `.describe()` texts) and the defaults
 * tables, the CLI reference from the command definitions, the guardrail reference from the rule
 * objects and the pack. `--check` writes nothing and exits 1 naming each stale page;
 * `test/docs/reference-docs.test.ts` runs the same check.
 *
 * Every page is a pure function of its inputs, so a test can build one from a changed schema.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ASSUMPTIONS } from '../config/assumptions';
import { NumericSpec } from '../config/numeric-spec';
import { AWS_REGIONS } from '../config/regions';
import { environmentSchema } from '../config/schema';
import { serviceSchema } from '../config/service-schema';
import { STAGES } from '../config/stages';
import { WORKLOAD_DEFAULTS } from '../config/workload-defaults';
import { FlagSpec } from '../cli/args';
import { Command, HELP_FLAG } from '../cli/command';
import { COMMANDS } from '../cli/main';
import { STAGECRAFT_PACK } from '../policies/packs/stagecraft';
import { ALL_RULES } from '../policies/rules/index';
import { Pack, Rule } from '../policies/types';
import { renderCliPage } from './reference/cli-page';
import { renderGuardrailsPage } from './reference/guardrails-page';
import { generatedNotice } from './reference/markdown';
import { renderSchemaPage } from './reference/schema-page';

/** Everything the pages are made from. */
export interface ReferenceInputs {
  readonly environmentSchema: z.ZodType;
  readonly serviceSchema: z.ZodType;
  readonly workloadDefaults: Readonly<Record<string, NumericSpec>>;
  readonly assumptions: Readonly<Record<string, NumericSpec>>;
  readonly regions: readonly string[];
  readonly stages: readonly string[];
  readonly commands: readonly Command[];
  readonly helpFlag: FlagSpec;
  readonly rules: readonly Rule[];
  readonly pack: Pack;
}

/** One generated page: its path from the repository root and its Markdown. */
export interface ReferencePage {
  readonly path: string;
  readonly content: string;
}

/** The inputs as the code has them. */
export function codeInputs(): ReferenceInputs {
  return {
    environmentSchema,
    serviceSchema,
    workloadDefaults: WORKLOAD_DEFAULTS,
    assumptions: ASSUMPTIONS,
    regions: AWS_REGIONS,
    stages: STAGES,
    commands: COMMANDS,
    helpFlag: HELP_FLAG,
    rules: ALL_RULES,
    pack: STAGECRAFT_PACK,
  };
}

const list = (values: readonly string[]) => values.map((value) => `\`${value}\``).join(', ');

/** Every reference page, in a stable order. */
export function referencePages(inputs: ReferenceInputs = codeInputs()): ReferencePage[] {
  return [
    {
      path: 'docs/reference/environment.md',
      content: renderSchemaPage({
        notice: generatedNotice(['config/schema.ts', 'config/service-schema.ts', 'config/workload-defaults.ts', 'config/assumptions.ts', 'config/regions.ts']),
        title: 'Environment file reference',
        intro: [
          'An environment file, `environments/<name>.yaml`, describes one deployment of the product: its stage, regions, domain and the sizes that differ from the stage profile. Every field below is checked when the file is loaded; a bad value stops `stagecraft synth` with `<file>: <field path>: <what is allowed>; received <x>` and exit code 2, and unknown keys are refused.',
          'A path such as `network.cidrs.<region>` is a map keyed by region code; `[]` marks a list. "Default" says what applies when the field is left out; "from the stage profile" means the size of the stage (`sizing/stage-profiles.ts`), or of the workload when one is given.',
          `Stages: ${list(inputs.stages)}. Region codes Stagecraft knows: ${list(inputs.regions)}.`,
        ],
        schema: inputs.environmentSchema,
        walk: {
          keyNames: { tags: 'tag', 'network.cidrs': 'region', 'network.availabilityZoneIds': 'region', 'edge.steering': 'region', services: 'service' },
        },
        numericTables: [
          { prefix: 'workload', source: 'config/workload-defaults.ts', specs: inputs.workloadDefaults },
          { prefix: 'assumptions', source: 'config/assumptions.ts', specs: inputs.assumptions },
        ],
      }),
    },
    {
      path: 'docs/reference/services.md',
      content: renderSchemaPage({
        notice: generatedNotice(['config/service-schema.ts']),
        title: 'Service file reference',
        intro: [
          'A service file, `services/<name>.yaml`, defines one service container of the product catalog: image, ports, health endpoints, resources, the data stores and services it talks to, the stages that run it and how its pod count is decided. An environment file overrides a few of these per environment under `services.<service>` (see the [environment reference](environment.md#services)).',
          'Every file is checked when the catalog is loaded; rules that compare fields (limits at least the requests, `health.port` one of `ports`, `calls` naming services of the same stages) are checked too, and every problem of every file is reported at once.',
        ],
        schema: inputs.serviceSchema,
        walk: { keyNames: { env: 'NAME' } },
      }),
    },
    {
      path: 'docs/reference/cli.md',
      content: renderCliPage({
        notice: generatedNotice(['cli/main.ts', 'cli/command.ts', 'cli/commands/*.ts']),
        commands: inputs.commands,
        helpFlag: inputs.helpFlag,
      }),
    },
    {
      path: 'docs/reference/guardrails.md',
      content: renderGuardrailsPage({
        notice: generatedNotice(['policies/rules/index.ts', 'policies/rules/<family>/<Rule>.ts', 'policies/packs/stagecraft.ts']),
        rules: inputs.rules,
        pack: inputs.pack,
      }),
    },
  ];
}

/** The pages whose committed file under `root` is missing or differs from `pages`. */
export function stalePages(root: string, pages: readonly ReferencePage[]): string[] {
  return pages
    .filter((page) => {
      const file = join(root, page.path);
      return !existsSync(file) || readFileSync(file, 'utf8') !== page.content;
    })
    .map((page) => page.path);
}

function main(argv: readonly string[]): number {
  const root = resolve(__dirname, '..');
  const pages = referencePages();
  if (argv.includes('--check')) {
    const stale = stalePages(root, pages);
    for (const path of stale) process.stderr.write(`${path}: stale; run npm run docs and commit the result\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const page of pages) {
    const file = join(root, page.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, page.content);
    process.stdout.write(`wrote ${page.path} (${page.content.split('\n').length - 1} lines)\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
