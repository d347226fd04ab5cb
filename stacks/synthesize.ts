/** Synthesizes environments into a directory atomically: stage in a sibling directory, then swap. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Environment } from '../config/environment';
import { sizeEnvironments, SizedEnvironment } from '../sizing/blueprint';
import { migrationsDirectory, synthesizedMigrations } from '../services/platform/cockroachdb';
import { UserInputError } from '../config/errors';
import { podScalingProblems } from '../sizing/autoscaling/resolve';

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
 * whole synthesis succeeds: it is built in a staging directory and swapped in.
 */
export function synthesizeEnvironments(
  environments: readonly Environment[],
  options: { outdir: string; stateDir: string; onProgress?: (line: string) => void },
): SynthesizedStackSummary[] {
  const sized = sizeEnvironments(environments);
  const problems = sized.flatMap(({ environment, blueprint }) => podScalingProblems(environment, blueprint));
  if (problems.length > 0) throw new UserInputError(problems);
  const outdir = resolve(options.outdir);
  const parent = dirname(outdir);
  const staging = mkdtempSync(join(parent, `.${basename(outdir)}.staging-`));
  try {
    // Loaded only here: cdktf and the provider classes take most of a second to load, and
    // commands that read an existing synthesis (cost, check, review of directories) never need them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require('./app') as typeof import('./app');
    const { app, stacks } = buildApp(sized, { outdir: staging, state: { outdir, stateDir: options.stateDir } });
    for (const env of stacks) {
      options.onProgress?.(`synth ${env.environment.name} (${env.environment.stage}): ${env.regional.length + env.apps.length + 1} stacks`);
    }
    app.synth();
    writeMigrations(staging, sized);
    const summaries = stacks.flatMap((env) =>
      [...env.regional.map((s) => s.stackName), ...env.apps.map((s) => s.stackName), env.edge.stackName].map((name) =>
        summarizeStack(staging, name, env.environment.name),
      ),
    );
    swapInto(staging, outdir);
    return summaries;
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
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

/** Replaces `outdir` with `staging` (two renames), so readers see the old or the new directory, never a mix. */
export function swapInto(staging: string, outdir: string): void {
  if (!existsSync(outdir)) {
    renameSync(staging, outdir);
    return;
  }
  const retired = `${staging}.previous`;
  renameSync(outdir, retired);
  renameSync(staging, outdir);
  rmSync(retired, { recursive: true, force: true });
}
