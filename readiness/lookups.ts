/** Lookups the readiness items share: an environment's stacks by role, alarms, Kubernetes objects. */
import { asNumber, asStrings, readAll, record } from '../synthesis/values';
import { EnvironmentView, StackView } from './types';
import { ResourceView } from '../synthesis/stack-views';
export { manifestsOf, type ManifestView } from '../synthesis/kubernetes-objects';

/** The per-region AWS stacks (`<env>-<region>`): every stack with an AWS region that is not an apps stack. */
export function regionalStacks(environment: EnvironmentView): StackView[] {
  return environment.stacks.filter((s) => s.region !== undefined && !s.name.endsWith('-apps') && s.name !== `${environment.name}-edge`);
}

/** The apps stack (`<env>-<region>-apps`) of a regional stack, on cluster stages. */
export function appsStackOf(environment: EnvironmentView, regional: StackView): StackView | undefined {
  return environment.stacks.find((s) => s.name === `${regional.name}-apps`);
}

/** The edge stack (`<env>-edge`). */
export function edgeStack(environment: EnvironmentView): StackView | undefined {
  return environment.stacks.find((s) => s.name === `${environment.name}-edge`);
}

/** One CloudWatch alarm as items read it. */
export interface AlarmView {
  readonly resource: ResourceView;
  readonly name: string;
  /** The metric of a single-metric alarm, or every metric of a metric-math alarm. */
  readonly metrics: readonly { namespace?: string; metricName?: string; dimensions: Record<string, unknown> }[];
  readonly threshold?: number;
  readonly actions: readonly string[];
}

export function alarmsOf(stack: StackView): AlarmView[] {
  return stack.resources('aws_cloudwatch_metric_alarm').map((resource) => {
    const v = resource.values;
    const single =
      typeof v.metric_name === 'string'
        ? [{ namespace: v.namespace as string | undefined, metricName: v.metric_name, dimensions: record(v.dimensions) ?? {} }]
        : [];
    const queried = readAll(v, 'metric_query.metric').map((m) => {
      const metric = record(m) ?? {};
      return {
        namespace: metric.namespace as string | undefined,
        metricName: metric.metric_name as string | undefined,
        dimensions: record(metric.dimensions) ?? {},
      };
    });
    return {
      resource,
      name: typeof v.alarm_name === 'string' ? v.alarm_name : resource.address,
      metrics: [...single, ...queried],
      threshold: asNumber(v.threshold),
      actions: asStrings(v.alarm_actions),
    };
  });
}

/** Environment variables of every container of a workload manifest (Deployment, Job, CronJob…), by name. */
export function containerEnv(manifest: Record<string, unknown>): Map<string, string> {
  const spec = manifest.kind === 'CronJob' ? readAll(manifest, 'spec.jobTemplate.spec.template.spec') : readAll(manifest, 'spec.template.spec');
  const env = new Map<string, string>();
  for (const entry of readAll(spec, 'containers.env')) {
    for (const e of Array.isArray(entry) ? entry : [entry]) {
      const item = record(e);
      if (item && typeof item.name === 'string' && typeof item.value === 'string') env.set(item.name, item.value);
    }
  }
  return env;
}

/** A resource's literal tag, when set. */
export function tagOf(resource: ResourceView, key: string): string | undefined {
  const value = record(resource.values.tags)?.[key];
  return typeof value === 'string' ? value : undefined;
}
