/** Builds the cdktf App: for each environment, its regional stacks and its edge stack. */
import { App } from 'cdktf';
import './terraform-version-check';
import { Environment } from '../config/environment';
import { Stage } from '../config/stages';
import { SizedEnvironment } from '../sizing/blueprint';
import { AppsStack } from './apps-stack';
import { externalProducers } from './apps-stack-order';
import { StateLocation } from './backend';
import { EdgeStack } from './edge-stack';
import { composeGrowth } from './stages/growth';
import { composeHyperscale } from './stages/hyperscale';
import { composeLaunch } from './stages/launch';
import { composeMassive } from './stages/massive';
import { RegionalStack } from './regional-stack';
import { addOperations } from './operations';
import { replicatesPrimaryDatabase } from './database-replication';
import { composeScale } from './stages/scale';
import { composeTraction } from './stages/traction';

const COMPOSERS: Record<Stage, (stack: RegionalStack, earlier: readonly RegionalStack[]) => void> = {
  launch: composeLaunch,
  traction: composeTraction,
  growth: composeGrowth,
  scale: composeScale,
  hyperscale: composeHyperscale,
  massive: composeMassive,
};

export interface EnvironmentStacks {
  readonly environment: Environment;
  readonly regional: readonly RegionalStack[];
  /** One per region on cluster stages; none on single-host stages. */
  readonly apps: readonly AppsStack[];
  readonly edge: EdgeStack;
}

/** Adds one environment's stacks to `app`. */
export function addEnvironment(app: App, { environment, blueprint }: SizedEnvironment, state: StateLocation): EnvironmentStacks {
  const regional: RegionalStack[] = [];
  for (const region of environment.regions) {
    const stack = new RegionalStack(app, { environment, blueprint, region, state });
    COMPOSERS[environment.stage](stack, [...regional]);
    addOperations(stack);
    regional.push(stack);
  }
  // A standby region's databases join the primary's by name (the Aurora Global Database, the RDS
  // source instance): cdktf deploys the primary's regional stack first (docs/multi-region.md).
  if (replicatesPrimaryDatabase(blueprint, environment)) {
    const primary = regional.find((s) => s.foundation.region.primary);
    for (const stack of regional) if (primary && stack !== primary) stack.addDependency(primary);
  }
  const apps = blueprint.cluster ? regional.map((stack) => new AppsStack(app, { environment, blueprint, regional: stack, state })) : [];
  // A later region's CockroachDB copies the CA the first region's apps stack publishes, and joins
  // the cluster it initialises: cdktf deploys the first region's apps stack before the others'.
  if (blueprint.cockroach) for (const later of apps.slice(1)) later.addDependency(apps[0]);
  // A standby region's services log in as the users the primary region's database-users Job makes
  // (they replicate to the standby's database): cdktf deploys the primary's apps stack first.
  for (const [stack, producers] of externalProducers(apps)) for (const producer of producers) stack.addDependency(producer);
  const edge = new EdgeStack(app, { environment, regions: regional, state });
  return { environment, regional, apps, edge };
}

/** An App holding every environment's stacks, synthesized into `outdir`. */
export function buildApp(
  environments: readonly SizedEnvironment[],
  options: { outdir: string; state: StateLocation },
): { app: App; stacks: EnvironmentStacks[] } {
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const stacks = environments.map((sized) => addEnvironment(app, sized, options.state));
  return { app, stacks };
}
