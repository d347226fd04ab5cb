/**
 * Resolves each service's pod autoscaling rule for one environment: the seed defaults of
 * `websocket-gateway.ts` and `api.ts`, the environment's `autoscaling` and `services` overrides,
 * and the pod range the sizing derived from the service's demand (`Blueprint.services`).
 * Without a workload the range of an api or websocket-gateway rule is the stage's pod floor, up
 * to the floor × the autoscale headroom; a cpu or queue rule keeps its own range.
 */
import { Environment } from '../../config/environment';
import { Problem } from '../../config/errors';
import { backlogTargetPerPod, rangedRule, ServiceDefinition } from '../../config/service-definition';
import { ASSUMPTIONS } from '../../config/assumptions';
import { Blueprint } from '../blueprint-types';
import { DEFAULT_CPU_TARGET_PERCENT } from '../service-pods';
import { AVAILABILITY_FLOORS } from '../stage-profiles';
import { API_DEFAULTS, apiRule, cpuRule } from './api';
import { PodScalingRule } from './pod-rule';
import { WEBSOCKET_DEFAULTS, WebsocketThresholds } from '../../config/autoscaling';
import { websocketGatewayRule } from './websocket-gateway';
import { queueRule } from './queue-backlog';

type SizedRange = 'websocket' | 'api';

/** The `autoscaling` key that overrides a scaling rule's range, if it has one. */
function overrideKey(service: ServiceDefinition): SizedRange | undefined {
  return service.scaling.rule === 'websocket-gateway' ? 'websocket' : service.scaling.rule === 'api' ? 'api' : undefined;
}

/** CPU utilisation a service's autoscaler keeps, percent of its request: what the sizing sizes `min` pods at. */
export function serviceCpuTargetPercent(environment: Environment, service: ServiceDefinition): number {
  const scaling = service.scaling;
  if (scaling.rule === 'cpu') return scaling.cpuTargetPercent;
  if (scaling.rule === 'api') return environment.config.autoscaling?.api?.cpuTargetPercent ?? API_DEFAULTS.cpuTargetPercent;
  if (scaling.rule === 'websocket-gateway') return websocketThresholds(environment).scaleUpCpuPercent;
  return DEFAULT_CPU_TARGET_PERCENT;
}

/** The pod range an environment sets explicitly for a service, and the field that sets it. */
export function serviceRangeOverride(environment: Environment, service: ServiceDefinition): { min?: number; max?: number; field?: string } {
  const key = overrideKey(service);
  if (key) {
    const o = environment.config.autoscaling?.[key];
    return { min: o?.min, max: o?.max, field: `autoscaling.${key}` };
  }
  if (rangedRule(service.scaling)) {
    const o = environment.config.services?.[service.name];
    return { min: o?.min, max: o?.max, field: `services.${service.name}` };
  }
  return {};
}

/** A service's pod range before overrides, and where it came from. */
export function sizedPodRange(environment: Environment, blueprint: Blueprint, service: ServiceDefinition): { min: number; max: number; source: string } {
  const sized = blueprint.services?.[service.name];
  if (sized && sized.driver !== 'fixed')
    return { min: sized.min, max: sized.max, source: `sizing of its ${sized.driver} demand (Blueprint.services.${service.name})` };
  const ranged = rangedRule(service.scaling);
  if (ranged) return { min: ranged.min, max: ranged.max, source: service.sourceFile };
  if (sized) return { min: sized.min, max: sized.max, source: `sizing (Blueprint.services.${service.name})` };
  const floor = AVAILABILITY_FLOORS[environment.stage].pods;
  const headroom = environment.config.assumptions?.autoscaleHeadroom ?? ASSUMPTIONS.autoscaleHeadroom.value;
  return { min: floor, max: Math.ceil(floor * headroom), source: `${environment.stage} pod floor × ${headroom} headroom (no workload)` };
}

function rangeWithOverrides(environment: Environment, blueprint: Blueprint, service: ServiceDefinition) {
  const sized = sizedPodRange(environment, blueprint, service);
  const override = serviceRangeOverride(environment, service);
  const overridden = override.min !== undefined || override.max !== undefined;
  return {
    min: override.min ?? sized.min,
    max: override.max ?? sized.max,
    source: overridden ? `${sized.source}, overridden by ${override.field}` : sized.source,
    sized,
  };
}

/** The websocket thresholds of an environment: seed defaults with its overrides. */
export function websocketThresholds(environment: Environment): WebsocketThresholds {
  const o = environment.config.autoscaling?.websocket ?? {};
  return {
    scaleUpCpuPercent: o.scaleUpCpuPercent ?? WEBSOCKET_DEFAULTS.scaleUpCpuPercent,
    scaleUpConnectionsPerPod: o.scaleUpConnectionsPerPod ?? WEBSOCKET_DEFAULTS.scaleUpConnectionsPerPod,
    scaleDownCpuPercent: o.scaleDownCpuPercent ?? WEBSOCKET_DEFAULTS.scaleDownCpuPercent,
    scaleDownConnectionsPerPod: o.scaleDownConnectionsPerPod ?? WEBSOCKET_DEFAULTS.scaleDownConnectionsPerPod,
  };
}

/** The autoscaling rule of one service, or undefined for a fixed-size service. */
export function podScalingRule(environment: Environment, blueprint: Blueprint, service: ServiceDefinition): PodScalingRule | undefined {
  const scaling = service.scaling;
  switch (scaling.rule) {
    case 'websocket-gateway':
      return websocketGatewayRule(
        service.name,
        rangeWithOverrides(environment, blueprint, service),
        websocketThresholds(environment),
        // The connections a pod's memory request is sized for: the service's demand, else the scale-up point.
        service.demand.driver === 'connections' ? service.demand.connectionsPerPod : websocketThresholds(environment).scaleUpConnectionsPerPod,
      );
    case 'api':
      return apiRule(
        service.name,
        rangeWithOverrides(environment, blueprint, service),
        environment.config.autoscaling?.api?.cpuTargetPercent ?? API_DEFAULTS.cpuTargetPercent,
      );
    case 'cpu':
      return cpuRule(service.name, rangeWithOverrides(environment, blueprint, service), scaling.cpuTargetPercent);
    case 'queue': {
      // The catalog refuses a queue rule without a target (config/services.ts).
      const target = backlogTargetPerPod(service);
      if (!target) throw new Error(`${service.sourceFile}: scaling.targetBacklogPerPod is unresolved`);
      return queueRule(service.name, rangeWithOverrides(environment, blueprint, service), target);
    }
    case 'fixed':
      return undefined;
  }
}

/** Pods a service runs at least and at most. */
export function podBounds(environment: Environment, blueprint: Blueprint, service: ServiceDefinition): { min: number; max: number } {
  const rule = podScalingRule(environment, blueprint, service);
  if (rule) return { min: rule.min, max: rule.max };
  const replicas = service.scaling.rule === 'fixed' ? service.scaling.replicas : 1;
  return { min: replicas, max: replicas };
}

/**
 * Ranges that only become inconsistent once the sizing is known: an override of min above the
 * derived max, or of max below the derived min. Reported with the environment file and field.
 */
export function podScalingProblems(environment: Environment, blueprint: Blueprint): Problem[] {
  const problems: Problem[] = [];
  for (const which of ['websocket', 'api'] as const) {
    const override = environment.config.autoscaling?.[which];
    if (!override || (override.min === undefined && override.max === undefined)) continue;
    const service = environment.services.find((s) => overrideKey(s) === which);
    if (!service) continue;
    const { min, max, sized } = rangeWithOverrides(environment, blueprint, service);
    if (min <= max) continue;
    if (override.min !== undefined && override.max !== undefined) continue; // reported by config/services.ts
    const path = override.min !== undefined ? `autoscaling.${which}.min` : `autoscaling.${which}.max`;
    const message =
      override.min !== undefined
        ? `${min} is above the max of ${max} pods from the ${sized.source}; allowed: 1 to ${max}, or set autoscaling.${which}.max too`
        : `${max} is below the min of ${min} pods from the ${sized.source}; allowed: ${min} to 5000, or set autoscaling.${which}.min too`;
    problems.push({ file: environment.sourceFile, path, message });
  }
  return problems;
}
