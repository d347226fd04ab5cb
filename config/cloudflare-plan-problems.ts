/**
 * What the zone's stated Cloudflare plan and add-ons (`edge.cloudflarePlan`, `edge.addons`)
 * cannot give, refused when the file is read rather than at `stagecraft check` or at apply.
 * The edge stack fits itself to the plan where a smaller feature does the same job (monitor
 * intervals, rate-limit rules, failover instead of geo steering: docs/preflight.md); these are
 * the features it has no smaller form of:
 *
 * - several regions are served by a Cloudflare load balancer, which exists only with the Load
 *   Balancing add-on: there is no plan-fitted way to send one hostname to several regions;
 * - the steering the file writes itself (`edge.steering`) needs Traffic Steering: without it
 *   the load balancer fails over in region order, and the stated steering would be dropped;
 * - the edge Worker keeps its per-user rate-limit counters in a Durable Object, which the
 *   preflight table puts on Workers Paid (docs/preflight.md), and has no form without it;
 * - Advanced Rate Limiting is sold with Enterprise only: stated on another plan, the rate limits
 *   would silently count per IP instead of per user.
 *
 * Geo steering where the file writes none degrades to failover in region order, and the rate
 * limits, monitor intervals and rule counts fit the plan (docs/preflight.md). The preflight rules
 * (SC-PRE-2, SC-PRE-3, SC-PRE-6) still check a synthesis from any source.
 */
import { CLOUDFLARE_ADDONS, CloudflareAddon, DEFAULT_CLOUDFLARE_PLAN } from './cloudflare-plans';
import { Problem } from './errors';
import { EnvironmentConfig } from './schema';
import { isAtLeast, Stage } from './stages';

/** How a message shows the add-ons a file states: `[trafficSteering]`, or `none`. */
export function describeAddons(addons: readonly string[] | undefined): string {
  return addons === undefined || addons.length === 0 ? 'none' : `[${addons.join(', ')}]`;
}

/** The add-on list with `addon` added, in the order of CLOUDFLARE_ADDONS: what the message tells the user to write. */
function withAddon(addons: readonly CloudflareAddon[], addon: CloudflareAddon): string {
  const wanted = new Set([...addons, addon]);
  return `[${CLOUDFLARE_ADDONS.filter((a) => wanted.has(a)).join(', ')}]`;
}

/** What `cloudflarePlanProblems` needs resolved beside the file. */
export interface PlanContext {
  readonly stage: Stage;
  /** Whether the edge Worker runs: the file's `edge.worker.enabled`, or the stage's default. */
  readonly workerEnabled: boolean;
  /** ` (chosen from workload.mau …)` when the file does not name its stage, else empty. */
  readonly chosen: string;
}

/** Problems of a file whose plan and add-ons cannot carry what it asks for. Call after the schema passed. */
export function cloudflarePlanProblems(file: string, config: EnvironmentConfig, { stage, workerEnabled, chosen }: PlanContext): Problem[] {
  const problems: Problem[] = [];
  const addons = config.edge?.addons ?? [];
  const plan = config.edge?.cloudflarePlan ?? DEFAULT_CLOUDFLARE_PLAN;
  const received = `received ${describeAddons(config.edge?.addons)} (plan ${plan})`;
  // Below growth a second region is refused by itself (config/environment.ts); no add-on would help.
  const balanced = config.regions.length > 1 && isAtLeast(stage, 'growth');
  if (balanced && !addons.includes('loadBalancing')) {
    problems.push({
      file,
      path: 'edge.addons',
      message: `${config.regions.length} regions are served through a Cloudflare load balancer, which needs the Load Balancing add-on; allowed: edge.addons: ${withAddon(addons, 'loadBalancing')} once the account has it, or one region; ${received}`,
    });
  }
  // Steering is a massive field, and active-passive refuses it for another reason (config/components.ts).
  const steers = stage === 'massive' && config.edge?.steering !== undefined && config.components?.regions?.mode !== 'active-passive';
  if (balanced && steers && !addons.includes('trafficSteering')) {
    problems.push({
      file,
      path: 'edge.steering',
      message: `sends geo regions and countries to chosen regions, which needs the Traffic Steering add-on (without it the load balancer fails over in region order); allowed: edge.addons: ${withAddon(addons, 'trafficSteering')} once the account has it, or no edge.steering; ${received}`,
    });
  }
  // Before growth the Worker is refused by itself (config/environment.ts).
  if (workerEnabled && isAtLeast(stage, 'growth') && !addons.includes('workersPaid')) {
    const on = config.edge?.worker?.enabled === true ? 'edge.worker.enabled: true' : `on by default on ${stage}${chosen}`;
    problems.push({
      file,
      path: 'edge.addons',
      message: `the edge Worker (${on}) keeps its rate-limit counters in a Durable Object, which needs Workers Paid; allowed: edge.addons: ${withAddon(addons, 'workersPaid')} once the account has it, or edge.worker.enabled: false; ${received}`,
    });
  }
  if (addons.includes('advancedRateLimiting') && plan !== 'enterprise') {
    problems.push({
      file,
      path: 'edge.addons',
      message: `advancedRateLimiting is sold with the Enterprise plan only (without it the rate limits count per IP, not per user); allowed: edge.cloudflarePlan: enterprise, or no advancedRateLimiting; ${received}`,
    });
  }
  return problems;
}
