/** Seed 004: load balancer health checks every 5 s, a target out after 3 failures. */
import { asBoolean, asNumber, read } from '../../synthesis/values';
import { regionalStacks } from '../lookups';
import { combine, held, missing, notApplicable, ReadinessItem } from '../types';

export const MAX_INTERVAL_SECONDS = 5;
export const MAX_UNHEALTHY_THRESHOLD = 3;

export const LoadBalancerHealthChecks: ReadinessItem = {
  id: 'RDY-1',
  name: 'LoadBalancerHealthChecks',
  section: 'performance',
  title: 'Load balancer health checks every 5 s, unhealthy after 3 failures',
  evaluate(environment) {
    const parts = regionalStacks(environment).flatMap((stack) =>
      stack.resources('aws_lb_target_group').map((group) => {
        const name = String(group.values.name ?? group.address);
        const enabled = read(group.values, 'health_check.enabled');
        if (enabled.kind === 'value' && asBoolean(enabled.value) === false) return missing(`${name}: health checks are disabled`);
        const interval = read(group.values, 'health_check.interval');
        const threshold = read(group.values, 'health_check.unhealthy_threshold');
        const seconds = interval.kind === 'value' ? asNumber(interval.value) : undefined;
        const failures = threshold.kind === 'value' ? asNumber(threshold.value) : undefined;
        if (seconds === undefined || seconds > MAX_INTERVAL_SECONDS) {
          return missing(
            `${name}: health check interval is ${seconds === undefined ? 'the provider default (30 s)' : `${seconds} s`}; at most ${MAX_INTERVAL_SECONDS} s`,
          );
        }
        if (failures === undefined || failures > MAX_UNHEALTHY_THRESHOLD) {
          return missing(`${name}: a target is unhealthy after ${failures ?? 'the default 3'} failures; at most ${MAX_UNHEALTHY_THRESHOLD}`);
        }
        return held(`${name}: every ${seconds} s, out after ${failures} failures`);
      }),
    );
    return combine(
      parts,
      notApplicable('no load balancer at this stage: Cloudflare sends traffic straight to the host, whose health check and recovery alarm stand in'),
    );
  },
};
