/**
 * The containers of a host fit the host (issue 15): Docker refuses to create a container whose CPU
 * limit exceeds the host's vCPUs ("range of CPUs is from 0.01 to 2.00"), so `docker compose up
 * --wait` fails and the proxy, which waits for the services, never starts (Cloudflare 521); and
 * memory reservations above what the host has leave the kernel to kill containers under load. For
 * each host and the compose project of its release: every container's `limits.cpus` is at most
 * the instance type's vCPUs, and the memory the containers reserve together is at most the
 * type's memory less the OS and docker's share (sizing/host-fit.ts, which sizes the type).
 */
import { isSingleHostStage } from '../../../config/stages';
import { EC2_SPECS } from '../../../sizing/instance-specs';
import { hostContainerMemoryMiB, HOST_SYSTEM_MEMORY_MIB } from '../../../sizing/host-fit';
import { fmt } from '../../../sizing/numbers';
import { StackOutcome, StackRule } from '../../types';
import { launchTemplateOf } from '../helpers';
import { HostComposeService, RELEASE_COMPOSE_KEY, releaseComposeServices } from '../request-path/host-compose';

const UNITS: Readonly<Record<string, number>> = { b: 1 / 1024 ** 2, k: 1 / 1024, m: 1, g: 1024 };

/** A compose byte value (`2048M`, `1g`, `512mb`, a number of bytes) in MiB; undefined when it is not one. */
export function composeMiB(value: unknown): number | undefined {
  if (typeof value === 'number') return value / 1024 ** 2;
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([bkmg])?b?\s*$/i.exec(value) : null;
  return match ? Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()] : undefined;
}

/** What is wrong with `services` on a host of `type`, one line per problem. */
function misfits(services: Readonly<Record<string, HostComposeService>>, type: string): string[] {
  const spec = EC2_SPECS[type];
  const found: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    const cpus = service.deploy?.resources?.limits?.cpus;
    if (cpus !== undefined && Number(cpus) > spec.vcpu)
      found.push(`container ${name} has limits.cpus ${String(cpus)}, more than the ${spec.vcpu} vCPUs of ${type}: Docker refuses to create it`);
  }
  const reserved = Object.entries(services)
    .map(([name, s]) => ({ name, mib: composeMiB(s.deploy?.resources?.reservations?.memory) ?? 0 }))
    .filter((r) => r.mib > 0);
  const total = reserved.reduce((sum, r) => sum + r.mib, 0);
  const room = hostContainerMemoryMiB(spec);
  if (total > room)
    found.push(
      `the containers reserve ${fmt(total)} MiB of memory (${reserved.map((r) => `${r.name} ${fmt(r.mib)}`).join(', ')}); ` +
        `${type} has ${fmt(spec.memoryGiB)} GiB, ${fmt(room)} MiB after ${fmt(HOST_SYSTEM_MEMORY_MIB)} MiB for the OS and docker`,
    );
  return found;
}

export const HostContainersFit: StackRule = {
  id: 'SC-STG-8',
  name: 'HostContainersFit',
  family: 'stage-aware',
  scope: 'stack',
  description:
    "On launch and traction, every container of a host's compose release has a CPU limit at most the instance type's vCPUs, and the containers' memory reservations together fit the type's memory less the OS and docker's share.",
  evaluate(stack) {
    if (!stack.stage || !isSingleHostStage(stack.stage))
      return [{ status: 'not-applicable', reason: `stage ${stack.stage ?? 'unknown'} does not run single hosts` }];
    const hosts = stack.resources('aws_instance');
    const releases = stack.resources('aws_s3_object').filter((o) => typeof o.values.key === 'string' && RELEASE_COMPOSE_KEY.test(o.values.key));
    if (hosts.length === 0 || releases.length === 0) return [{ status: 'not-applicable', reason: 'no hosts with a compose release' }];
    const outcomes: StackOutcome[] = [];
    for (const release of releases) {
      const services = releaseComposeServices(release);
      if (!services) {
        outcomes.push({ status: 'could-not-evaluate', message: `${release.address} holds no compose project the rule can read`, address: release.address });
        continue;
      }
      for (const host of hosts) {
        const type = launchTemplateOf(host, stack)?.values.instance_type ?? host.values.instance_type;
        if (typeof type !== 'string' || type.includes('${') || !EC2_SPECS[type]) {
          outcomes.push({
            status: 'could-not-evaluate',
            message: `the instance type of ${host.address} (${String(type)}) is not one whose vCPUs and memory the rule knows (sizing/instance-specs.ts)`,
            address: host.address,
          });
          continue;
        }
        const found = misfits(services, type);
        outcomes.push(
          found.length === 0
            ? { status: 'compliant', address: host.address }
            : { status: 'non-compliant', message: `${release.address} on ${host.address} (${type}): ${found.join('; ')}`, address: host.address },
        );
      }
    }
    return outcomes;
  },
};
