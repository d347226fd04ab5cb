/**
 * What the request-path rules share: following a reference across the stacks of one environment
 * (a cross-stack reference is `${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<name>}`,
 * whose output in `<stack>` holds the real reference), the regional and edge stacks of an apps
 * stack, the product's Deployments and the NetworkPolicy that selects a Deployment's pods.
 * A missing link is reported as `<link>: <what is missing>` for one service, in one stack.
 */
import { manifestsOf, ManifestView } from '../../../synthesis/kubernetes-objects';
import { readAll, record } from '../../../synthesis/values';
import { ResourceView, StackOutcome, StackView } from '../../types';

const CROSS_STACK = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-(.+?)\.outputs\.([A-Za-z0-9_-]+)\}$/;

/** The namespace of the product services (services/kubernetes/labels.ts). */
export const PRODUCT_NAMESPACE = 'product';

/** A resource found by following a reference, and the stack it is in. */
export interface Located {
  readonly stack: StackView;
  readonly resource: ResourceView;
}

/** The resource `value` refers to, in `stack` or, through a cross-stack output, in another stack of its environment. */
export function follow(stack: StackView, value: unknown): Located | undefined {
  const local = stack.referenced(value);
  if (local) return { stack, resource: local };
  const match = typeof value === 'string' ? CROSS_STACK.exec(value) : null;
  if (!match) return undefined;
  const source = stack.environmentStacks().find((s) => s.name === match[1]);
  const output = record(record(source?.json?.output)?.[match[2]]);
  const resource = source?.referenced(output?.value);
  return source && resource ? { stack: source, resource } : undefined;
}

/** Whether `value` refers to `target` (in any stack of the environment). */
export function refersTo(stack: StackView, value: unknown, target: Located): boolean {
  const found = follow(stack, value);
  return found !== undefined && found.stack.name === target.stack.name && found.resource.address === target.resource.address;
}

/** The regional stack of an apps stack (`<env>-<region>-apps` → `<env>-<region>`) and the environment's edge stack. */
export function siblings(apps: StackView): { regional?: StackView; edge?: StackView } {
  const stacks = apps.environmentStacks();
  return {
    regional: stacks.find((s) => s.name === apps.name.replace(/-apps$/, '')),
    edge: stacks.find((s) => s.name.endsWith('-edge')),
  };
}

/** The product Deployments of an apps stack, by name. */
export function productDeployments(apps: StackView): Map<string, ManifestView> {
  return new Map(
    manifestsOf(apps, 'Deployment')
      .filter((d) => d.namespace === PRODUCT_NAMESPACE)
      .map((d) => [d.name, d]),
  );
}

/** Every value at a dotted path, with a list at the end walked into too. */
export function items(values: unknown, path: string): unknown[] {
  return readAll(values, path).flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** The first container of a Deployment's pod template. */
export function container(deployment: ManifestView): Record<string, unknown> {
  return record(items(deployment.manifest, 'spec.template.spec.containers')[0]) ?? {};
}

/** The labels of a Deployment's pods. */
export function podLabels(deployment: ManifestView): Record<string, string> {
  return (record(readAll(deployment.manifest, 'spec.template.metadata.labels')[0]) ?? {}) as Record<string, string>;
}

/** Whether a label selector's `matchLabels` select pods with `labels` (an empty selector selects every pod). */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  const match = (record(record(selector)?.matchLabels) ?? {}) as Record<string, unknown>;
  return Object.entries(match).every(([key, value]) => labels[key] === value);
}

/** The NetworkPolicies of the product namespace that select the Deployment's pods and name them (not the namespace-wide ones). */
export function policiesFor(apps: StackView, deployment: ManifestView): ManifestView[] {
  const labels = podLabels(deployment);
  return manifestsOf(apps, 'NetworkPolicy').filter((p) => {
    const selector = record(record(p.manifest.spec)?.podSelector);
    return p.namespace === PRODUCT_NAMESPACE && Object.keys(record(selector?.matchLabels) ?? {}).length > 0 && selects(selector, labels);
  });
}

/** The `ports[].port` values of a NetworkPolicy rule (numbers or names). */
export function rulePorts(rule: unknown): unknown[] {
  return items(rule, 'ports').map((p) => record(p)?.port);
}

/** A security group rule's port range covers `port` (`-1`/absent ports mean every port for protocol `-1`). */
export function coversPort(rule: ResourceView, port: number): boolean {
  const values = rule.values;
  if (values.ip_protocol === '-1' || values.protocol === '-1') return true;
  const from = Number(values.from_port);
  const to = Number(values.to_port);
  return Number.isFinite(from) && Number.isFinite(to) && from <= port && port <= to;
}

/**
 * What a request-path rule evaluates: an apps stack's product Deployments with its regional and edge
 * stacks; or, for any other stack, the outcome that says why there is nothing to evaluate.
 */
export function productAppsStack(
  stack: StackView,
): { deployments: Map<string, ManifestView>; regional: StackView; edge?: StackView } | { outcome: StackOutcome } {
  const deployments = productDeployments(stack);
  if (!stack.name.endsWith('-apps') || deployments.size === 0)
    return { outcome: { status: 'not-applicable', reason: 'not an apps stack with product services' } };
  const { regional, edge } = siblings(stack);
  if (!regional) return { outcome: { status: 'could-not-evaluate', message: `the regional stack of ${stack.name} is not in the synthesis` } };
  return { deployments, regional, edge };
}
