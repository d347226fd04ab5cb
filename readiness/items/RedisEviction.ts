/**
 * Seed 004: Redis evicts with `allkeys-lru`, never `noeviction`: on ElastiCache through the
 * replication group's parameter group, on a host through redis-server's flags in the compose
 * document of the host's release (with a `maxmemory`, without which nothing is evicted).
 */
import { readAll, record } from '../../synthesis/values';
import { regionalStacks } from '../lookups';
import { combine, held, ItemOutcome, missing, notApplicable, ReadinessItem } from '../types';

export const EVICTION_POLICY = 'allkeys-lru';

export const RedisEviction: ReadinessItem = {
  id: 'RDY-3',
  name: 'RedisEviction',
  section: 'performance',
  title: 'Redis eviction policy allkeys-lru (not noeviction), with a memory limit',
  evaluate(environment) {
    const parts: ItemOutcome[] = [];
    for (const stack of regionalStacks(environment)) {
      for (const group of stack.resources('aws_elasticache_replication_group')) {
        const name = String(group.values.replication_group_id ?? group.address);
        const parameters = stack.referenced(group.values.parameter_group_name);
        const policy = parameters
          ? readAll(parameters.values, 'parameter')
              .flatMap((p) => (Array.isArray(p) ? p : [p]))
              .map((p) => record(p))
              .find((p) => p?.name === 'maxmemory-policy')?.value
          : undefined;
        parts.push(
          policy === EVICTION_POLICY
            ? held(`${name}: parameter group ${String(parameters?.values.name)} sets maxmemory-policy ${EVICTION_POLICY}`)
            : missing(
                `${name}: maxmemory-policy is ${policy === undefined ? 'the engine default (volatile-lru)' : String(policy)}; set ${EVICTION_POLICY} in its parameter group`,
              ),
        );
      }
      // The compose document is the hosts' release object (docs/releases.md); a cloud-init that still carries one is read too.
      const documents = [
        ...stack.resources('aws_s3_object').map((o) => ({ name: `${stack.name} ${String(o.values.key ?? o.address)}`, text: String(o.values.content ?? '') })),
        ...stack.resources('aws_launch_template').map((t) => ({ name: String(t.values.name ?? t.address), text: String(t.values.user_data ?? '') })),
      ];
      for (const { name, text: userData } of documents) {
        if (!userData.includes('redis-server')) continue;
        const memory = /--maxmemory (\d+[kmgb]*)/i.exec(userData)?.[1];
        const policy = /--maxmemory-policy ([a-z-]+)/.exec(userData)?.[1];
        if (policy !== EVICTION_POLICY)
          parts.push(
            missing(
              `${name}: Redis on the host runs with maxmemory-policy ${policy ?? 'noeviction (the default)'}; pass --maxmemory-policy ${EVICTION_POLICY}`,
            ),
          );
        else if (!memory) parts.push(missing(`${name}: Redis on the host has no --maxmemory, so it never evicts and grows until the host runs out of memory`));
        else parts.push(held(`${name}: Redis on the host with --maxmemory ${memory} --maxmemory-policy ${EVICTION_POLICY}`));
      }
    }
    return combine(parts, notApplicable('no Redis at this stage'));
  },
};
