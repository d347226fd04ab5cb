/**
 * `stagecraft size --workload <file>`: a YAML file whose top level holds the workload fields
 * (`mau: 30000000`, `dauRatio: 0.3`, …), with optional `regions` (a count or a list of region
 * codes), `stage` and `assumptions`. It becomes an environment named `workload`, validated by
 * the same rules as an environment file.
 */
import { resolve } from 'node:path';

import { readInputFile } from './input-file';
import { parseYaml, yamlData } from './yaml-data';
import { z } from 'zod';
import { crossFieldProblems, Environment, resolveEnvironment, resolveStage } from './environment';
import { Problem, shownValue, UserInputError } from './errors';
import { AWS_REGIONS, unpricedRegionMessage } from './regions';
import { assumptionsSchema, EnvironmentConfig, workloadShape } from './schema';
import { STAGES } from './stages';
import { zodProblems } from './zod-issues';
import { projectServiceCatalog } from './services';

/** Regions a `regions: <count>` takes, in this order. */
export const DEFAULT_REGION_ORDER = [
  'us-east-1',
  'eu-west-1',
  'ap-northeast-1',
  'us-west-2',
  'ap-southeast-1',
  'eu-central-1',
  'sa-east-1',
  'ap-south-1',
  'us-east-2',
  'ca-central-1',
] as const;

const show = shownValue;

export const workloadFileSchema = z.strictObject({
  ...workloadShape,
  /** Region count (1–10, from DEFAULT_REGION_ORDER) or region codes. @default 3 on massive, else 1 */
  regions: z
    .union(
      [
        z.number().int().min(1).max(DEFAULT_REGION_ORDER.length),
        z
          .array(
            z.string().superRefine((code, ctx) => {
              const message = !AWS_REGIONS.includes(code)
                ? `${show(code)} is not a region Stagecraft knows; allowed: ${AWS_REGIONS.join(', ')}`
                : unpricedRegionMessage(code);
              if (message) ctx.addIssue({ code: 'custom', input: code, message });
            }),
          )
          .min(1),
      ],
      { error: `must be a region count from 1 to ${DEFAULT_REGION_ORDER.length} or a list of region codes` },
    )
    .optional(),
  /** @default chosen from mau */
  stage: z.enum(STAGES, { error: (issue) => `${show(issue.input)} is not a stage; allowed: ${STAGES.join(', ')}` }).optional(),
  assumptions: assumptionsSchema.optional(),
});

/** Reads and validates a workload file; throws one UserInputError listing every problem. */
export function loadWorkloadFile(file: string, cwd: string): Environment {
  const text = readInputFile(resolve(cwd, file), { file, path: '(root)' }, 'a path to a YAML workload file');
  const document = parseYaml(text);
  if (document.errors.length > 0) {
    throw new UserInputError(
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        return {
          file,
          path: at ? `line ${at.line}, column ${at.col}` : '(root)',
          message: `YAML syntax error: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
        };
      }),
    );
  }
  const expanded = yamlData(document, file);
  if (expanded.problem) throw new UserInputError([expanded.problem]);
  const data = expanded.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserInputError([
      { file, path: '(root)', message: 'expected a mapping of workload fields (mau, dauRatio, …), with optional regions, stage and assumptions' },
    ]);
  }
  const parsed = workloadFileSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw new UserInputError(zodProblems(file, parsed.error, workloadFileSchema));
  const { regions, stage, assumptions, ...workload } = parsed.data;
  const chosen = resolveStage({ stage, workload });
  const codes = Array.isArray(regions) ? regions : DEFAULT_REGION_ORDER.slice(0, regions ?? (chosen.stage === 'massive' ? 3 : 1));
  const config: EnvironmentConfig = {
    name: 'workload',
    stage,
    regions: [...codes],
    domain: 'workload.example.com',
    workload,
    assumptions,
    // Sizing does not depend on the zone's Cloudflare plan: the environment states the add-ons its
    // topology may need (a load balancer across regions, the edge Worker's Durable Object), so only
    // what sizing judges is refused.
    edge: { addons: ['loadBalancing', 'workersPaid'] },
  };
  const problems: Problem[] = crossFieldProblems(file, config, { mauField: 'mau' });
  if (problems.length > 0) throw new UserInputError(problems);
  return resolveEnvironment(config, file, projectServiceCatalog(cwd).services);
}
