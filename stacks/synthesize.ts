/** Synthesizes environments into a directory atomically: stage in a sibling directory, then swap. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment } from '../config/environment';
import { sizeEnvironments, SizedEnvironment } from '../sizing/blueprint';
import { migrationsDirectory, synthesizedMigrations } from '../services/platform/cockroachdb';
import { Problem, UserInputError } from '../config/errors';
import { stateBackendProblems } from '../config/state-backend';
import { nameAuthority, nameViolations } from '../synthesis/aws-names';
import { podScalingProblems } from '../sizing/autoscaling/resolve';
import { checkOutputDirectory, OutputFlag, writeOutputDirectory } from '../synthesis/output-directory';

export { swapInto } from '../synthesis/output-directory';

export interface SynthesizedStackSummary {
  readonly name: string;
  readonly environment: string;
  readonly resources: number;
  /** Resource count per Terraform type. */
  readonly resourceTypes: Readonly<Record<string, number>>;
}

/** Counts resources in one synthesized stack (a `for_each` resource counts once). */
export function summarizeStack(outdir: string, stackName: string, environment: string): SynthesizedStackSummary {
  const json = JSON.parse(readFileSync(join(outdir, 'stacks', stackName, 'cdk.tf.json'), 'utf8')) as {
    resource?: Record<string, Record<string, unknown>>;
  };
  const resourceTypes: Record<string, number> = {};
  let resources = 0;
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    resourceTypes[type] = Object.keys(byName).length;
    resources += resourceTypes[type];
  }
  return { name: stackName, environment, resources, resourceTypes };
}

/**
 * Writes every environment's stacks to `outdir`. Nothing in `outdir` changes unless the
 * whole synthesis succeeds: it is built in a staging directory and swapped in. `outdir` must
 * be new, empty, or a synthesis written earlier (synthesis/output-directory.ts); anything else
 * is refused with a UserInputError naming `flag` (default `stagecraft synth --out`).
 */
export function synthesizeEnvironments(
  environments: readonly Environment[],
  options: {
    outdir: string;
    stateDir: string;
    onProgress?: (line: string) => void;
    /** Resolves a relative `outdir`, and is never replaced. @default process.cwd() */
    cwd?: string;
    /** Where a refused `outdir` came from. @default stagecraft synth --out */
    flag?: OutputFlag;
    /** Inputs the output must not overlap (environment files, a services directory). @default none */
    inputs?: readonly string[];
    /**
     * The output is what cdktf deploys (`stagecraft synth`): production stages must then keep their
     * state remotely (config/state-backend.ts). Temporary syntheses (size, check, graph) need not.
     * @default false
     */
    deployable?: boolean;
  },
): SynthesizedStackSummary[] {
  // Problems of the input come first: they are what the user is working on.
  const sized = sizeForSynthesis(environments, { deployable: options.deployable === true });
  const target = checkOutputDirectory(options.outdir, {
    ...(options.flag ?? { command: 'stagecraft synth', flag: '--out' }),
    kind: 'synthesis',
    cwd: options.cwd ?? process.cwd(),
    inputs: options.inputs,
  });
  return writeOutputDirectory(target, (staging) => {
    // Loaded only here: cdktf and the provider classes take most of a second to load, and
    // commands that read an existing synthesis (cost, check, review of directories) never need them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require('./app') as typeof import('./app');
    const { app, stacks } = buildApp(sized, { outdir: staging, state: { outdir: target.path, stateDir: options.stateDir } });
    for (const env of stacks) {
      options.onProgress?.(`synth ${env.environment.name} (${env.environment.stage}): ${env.regional.length + env.apps.length + 1} stacks`);
    }
    app.synth();
    // AWS's own naming rules, on the names as the constructs derived them: refused before any output changes.
    const named = stacks.flatMap((env) =>
      [...env.regional.map((st) => st.stackName), ...env.apps.map((st) => st.stackName), env.edge.stackName].flatMap((name) =>
        nameViolations(name, JSON.parse(readFileSync(join(staging, 'stacks', name, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>).map((v): Problem => ({
          file: env.environment.sourceFile,
          path: 'name',
          message: `${JSON.stringify(env.environment.name)} gives ${v.address.split('.')[0]} ${v.attribute} "${v.name}" in stack ${v.stack}, which ${nameAuthority(v.address.split('.')[0])} refuses (${v.reason}); choose a shorter or plainer name`,
        })),
      ),
    );
    if (named.length > 0) throw new UserInputError(named);
    writeMigrations(staging, sized);
    return stacks.flatMap((env) =>
      [...env.regional.map((s) => s.stackName), ...env.apps.map((s) => s.stackName), env.edge.stackName].map((name) =>
        summarizeStack(staging, name, env.environment.name),
      ),
    );
  });
}

/**
 * Sizes the environments and refuses what cannot be synthesized: pod scaling the sizing cannot
 * honour and, for output that cdktf deploys, production stages without remote state. The one
 * gate of both `stagecraft synth` and the cdktf app (cli/cdktf-app.ts).
 */
export function sizeForSynthesis(environments: readonly Environment[], options: { deployable: boolean }): SizedEnvironment[] {
  const sized = sizeEnvironments(environments);
  const problems = sized.flatMap(({ environment, blueprint }) => [
    ...(options.deployable ? stateBackendProblems(environment) : []),
    ...podScalingProblems(environment, blueprint),
  ]);
  if (problems.length > 0) throw new UserInputError(problems);
  return sized;
}

/** CockroachDB environments get their generated SQL beside the stacks, `migrations/<env>/`, swapped in with them. */
function writeMigrations(outdir: string, sized: readonly SizedEnvironment[]): void {
  for (const { environment, blueprint } of sized) {
    if (!blueprint.cockroach) continue;
    const dir = join(outdir, migrationsDirectory(environment.name));
    mkdirSync(dir, { recursive: true });
    for (const migration of synthesizedMigrations(environment)) writeFileSync(join(dir, migration.fileName), migration.sql);
  }
}
