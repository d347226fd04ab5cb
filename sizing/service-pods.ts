/**
 * Service demand → pods. Each enabled service says what drives its load (`demand` in its
 * definition: requests, connections, queue messages, or fixed); this turns that and the
 * environment's workload into the service's pod range per region, with the CPU and memory its
 * own container requests, and a line of reasoning in words. No product is known here: the
 * figures are the service definitions'.
 *
 * `min` pods carry the per-region peak at the scale-up point (the CPU target, or the
 * connections at which pods are added); `max` pods carry the peak × `autoscaleHeadroom` at
 * full capacity. A disabled service is not in the environment's services, so it is not sized.
 *
 * Pure: no I/O.
 */
import { backlogTargetPerPod, rangedRule, ServiceDefinition } from '../config/service-definition';
import { Workload } from '../config/workload-defaults';
import { ServicePods } from './blueprint-types';
import { connectionsPerDailyUserOf, messagesPerDailyUserOf, SECONDS_PER_DAY } from './demand';
import { ceilDiv, fmt } from './numbers';

/** What the pods of every service are derived from. */
export interface ServicePodsInput {
  readonly services: readonly ServiceDefinition[];
  readonly workload: Workload;
  /** Each region carries the global peak ÷ this (regions − 1 on multi-region stages, else 1). */
  readonly regionDivisor: number;
  readonly regionCount: number;
  readonly autoscaleHeadroom: number;
  /** The stage's fewest pods per autoscaled service (availability floor). */
  readonly podFloor: number;
  /** CPU utilisation the service's autoscaler keeps, percent of its request. */
  readonly cpuTargetPercent: (service: ServiceDefinition) => number;
}

/** CPU target of a service whose scaling rule names none. Seed 002 §10: "Scale up when: CPU > 70%". */
export const DEFAULT_CPU_TARGET_PERCENT = 70;
/** `scaleAtConnectionsPerPod` default: pods are added at 90% of what a pod holds (seed 002 §10: 45,000 of 50,000). */
export const DEFAULT_CONNECTION_SCALE_AT = 0.9;

/** Every service's pods, by service name, in the order the services are given. */
export function sizeServicePods(input: ServicePodsInput): Record<string, ServicePods> {
  return Object.fromEntries(input.services.map((service) => [service.name, podsOf(service, input)]));
}

/** `, backlog 3,000 per pod (queue-scaler)`: what a queue rule's pods follow between min and max. */
function backlogText(service: ServiceDefinition): string {
  const target = backlogTargetPerPod(service);
  return target ? `, scaled on backlog ${fmt(target.perPod)} per pod (queue-scaler)` : '';
}

function podsOf(service: ServiceDefinition, input: ServicePodsInput): ServicePods {
  const { workload: w, regionDivisor: divisor, autoscaleHeadroom: headroom, podFloor } = input;
  const cpu = service.resources.requests.cpuMillis / 1000;
  const memoryGiB = service.resources.requests.memoryMiB / 1024;
  const dau = w.mau * w.dauRatio;
  const pods = `${fmt(cpu)} vCPU, ${fmt(memoryGiB)} GiB per pod`;
  const regionText = divisor > 1 ? ` ÷ (${input.regionCount} − 1) regions` : '';
  const floorText = (raw: number, min: number) => (raw < min ? ` (${raw}, raised to ${min}: pods per service)` : '');

  // A job runs on its schedule, not always: no pod between runs, one while it runs. Its request must
  // still fit a node (capacity.ts checks every service's), and a run may need a node of its own.
  if (service.schedule) {
    const tz = service.schedule.timeZone ?? 'UTC';
    return {
      driver: 'fixed',
      min: 0,
      max: 1,
      cpu,
      memoryGiB,
      scheduled: true,
      reason: `job on "${service.schedule.cron}" (${tz}): no pod between runs, 1 while it runs → 0–1 pods × ${pods}`,
    };
  }

  const demand = service.demand;
  if (demand.driver === 'fixed') {
    const scaling = service.scaling;
    const ranged = rangedRule(scaling);
    const [min, max, why] =
      scaling.rule === 'fixed'
        ? [scaling.replicas, scaling.replicas, `fixed: ${scaling.replicas} replica(s)`]
        : ranged
          ? [ranged.min, ranged.max, `fixed range of its ${ranged.rule} rule: ${ranged.min}–${ranged.max}${backlogText(service)}`]
          : [podFloor, Math.max(podFloor, Math.ceil(podFloor * headroom)), `no demand figure: the stage's pod floor ${podFloor}, × ${fmt(headroom)} headroom`];
    return { driver: 'fixed', min, max, cpu, memoryGiB, reason: `${why} → ${min}–${max} pods × ${pods}` };
  }

  // Load per region at peak, what one pod carries at the scale-up point and at full capacity.
  let peak: number;
  let atTarget: number;
  let atFull: number;
  let demandText: string;
  let capacityText: string;
  if (demand.driver === 'requests') {
    const perUser = demand.requestsPerDailyUser ?? w.requestsPerDauPerDay;
    peak = (((dau * perUser) / SECONDS_PER_DAY) * w.peakFactor) / divisor;
    const target = input.cpuTargetPercent(service) / 100;
    atFull = cpu / (demand.cpuMillisPerRequest / 1000);
    atTarget = atFull * target;
    demandText = `${fmt(dau)} DAU × ${fmt(perUser)} req/day ÷ 86,400 × ${fmt(w.peakFactor)} peak${regionText} = ${fmt(peak)} req/s × ${fmt(demand.cpuMillisPerRequest)} CPU-ms = ${fmt((peak * demand.cpuMillisPerRequest) / 1000)} vCPU`;
    capacityText = `${fmt(atFull)} req/s per ${fmt(cpu)} vCPU pod × ${fmt(target * 100)}% CPU target`;
  } else if (demand.driver === 'connections') {
    const perUser = connectionsPerDailyUserOf(service, w) ?? 0;
    peak = (dau * perUser) / divisor;
    atFull = demand.connectionsPerPod;
    atTarget = demand.scaleAtConnectionsPerPod ?? Math.floor(demand.connectionsPerPod * DEFAULT_CONNECTION_SCALE_AT);
    demandText = `${fmt(dau)} DAU × ${fmt(perUser)} connections at peak${regionText} = ${fmt(peak)} connections`;
    capacityText = `${fmt(atTarget)} per pod (scale-up point; ${fmt(atFull)} at most)`;
  } else {
    // Without its own figure or the workload's, capacity.ts stops on it (demand.messagesPerDailyUser).
    const perUser = messagesPerDailyUserOf(service, w) ?? 0;
    peak = (((dau * perUser) / SECONDS_PER_DAY) * w.peakFactor) / divisor;
    const target = input.cpuTargetPercent(service) / 100;
    atFull = demand.messagesPerSecondPerPod;
    atTarget = atFull * target;
    demandText = `${fmt(dau)} DAU × ${fmt(perUser)} messages/day ÷ 86,400 × ${fmt(w.peakFactor)} peak${regionText} = ${fmt(peak)} messages/s`;
    capacityText = `${fmt(atFull)} messages/s per pod × ${fmt(target * 100)}% CPU target`;
  }
  if (service.scaling.rule === 'queue') capacityText += backlogText(service);
  const rawPods = peak / atTarget;
  const raw = ceilDiv(peak, atTarget);
  const min = Math.max(podFloor, raw);
  const max = Math.max(min, ceilDiv(peak * headroom, atFull));
  return {
    driver: demand.driver,
    min,
    max,
    cpu,
    memoryGiB,
    peakPerRegion: peak,
    rawPods,
    reason:
      `${demandText} / ${capacityText} → ${min} min${floorText(raw, min)}; max ${max} (× ${fmt(headroom)} headroom / ${fmt(atFull)} per pod); ` +
      `${pods} → ${fmt(min * cpu)}–${fmt(max * cpu)} vCPU, ${fmt(min * memoryGiB)}–${fmt(max * memoryGiB)} GiB`,
  };
}
