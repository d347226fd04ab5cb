/**
 * The host type of a single-host stage holds its containers: every container of the compose
 * project reserves its memory (`deploy.resources.reservations.memory`, a service's
 * `resources.requests.memoryMiB`; the on-host stores and the proxy their fixed sizes), and
 * together they must fit the instance's memory less what the OS and docker keep. The stage
 * profile's type is a floor: a larger type of its family is chosen when the reservations need it,
 * and a type the environment pins (`compute.instanceType`) that is too small stops the command
 * with the types that fit. CPU is not reserved by compose outside swarm, so it is not sized here;
 * each container's CPU limit is clamped to the host's vCPUs instead (services/compose.ts), which
 * Docker requires ("range of CPUs is from 0.01 to <vCPUs>").
 *
 * Pure data and arithmetic; guardrail SC-STG-8 HostContainersFit checks the synthesized project.
 */
import { ServiceDefinition } from '../config/service-definition';
import { Ec2Spec, EC2_SPECS } from './instance-specs';
import { fmt } from './numbers';

/** Memory a host keeps outside the containers: the kernel and page tables, dockerd, containerd, the SSM and CloudWatch agents. */
export const HOST_SYSTEM_MEMORY_MIB = 1024;
/** Memory of the on-host data stores' containers (launch), MiB. */
export const HOST_STORE_MEMORY_MIB = { postgres: 1024, redis: 512 } as const;
/** Memory of the reverse proxy's container, MiB. */
export const HOST_PROXY_MEMORY_MIB = 128;

/** One container that holds memory on the host while the product runs. */
export interface HostContainer {
  readonly name: string;
  readonly memoryMiB: number;
}

/** Memory the containers of a host of this type may reserve together, MiB. */
export function hostContainerMemoryMiB(spec: Ec2Spec): number {
  return spec.memoryGiB * 1024 - HOST_SYSTEM_MEMORY_MIB;
}

/** The containers of a host's compose project that reserve memory, with what they reserve. */
export function hostContainers(services: readonly ServiceDefinition[], stores: ReadonlyArray<keyof typeof HOST_STORE_MEMORY_MIB>): HostContainer[] {
  return [
    ...services.map((s) => ({ name: s.name, memoryMiB: s.resources.requests.memoryMiB })),
    ...stores.map((name) => ({ name, memoryMiB: HOST_STORE_MEMORY_MIB[name] })),
    ...(services.some((s) => s.ports.some((p) => p.public)) ? [{ name: 'proxy', memoryMiB: HOST_PROXY_MEMORY_MIB }] : []),
  ];
}

/** The host type chosen, or why none is. */
export type HostFit =
  { readonly instanceType: string; readonly reason: string } | { readonly instanceType: string; readonly problem: { path: string; message: string } };

const mib = (value: number) => `${fmt(value)} MiB`;

/**
 * The smallest type of the profile type's family, at least the profile's, whose memory less
 * HOST_SYSTEM_MEMORY_MIB holds `containers`; the pinned type when the environment gives one and
 * it holds them. A pinned or profile type the table does not know is returned as is (the sizing
 * reports an unknown type).
 */
export function fitHostType(input: { readonly profileType: string; readonly pinnedType?: string; readonly containers: readonly HostContainer[] }): HostFit {
  const need = input.containers.reduce((sum, c) => sum + c.memoryMiB, 0);
  const parts = input.containers.map((c) => `${c.name} ${fmt(c.memoryMiB)}`).join(', ');
  const reserved = `the containers reserve ${mib(need)} (${parts}), plus ${mib(HOST_SYSTEM_MEMORY_MIB)} for the OS and docker`;
  const family = (type: string) => type.split('.')[0];
  const fits = (type: string) => hostContainerMemoryMiB(EC2_SPECS[type]) >= need;
  const ladder = (type: string) =>
    Object.entries(EC2_SPECS)
      .filter(([t]) => family(t) === family(type))
      .sort(([, a], [, b]) => a.memoryGiB - b.memoryGiB || a.vcpu - b.vcpu)
      .map(([t]) => t);
  const pinned = input.pinnedType;
  if (pinned !== undefined) {
    const spec = EC2_SPECS[pinned];
    if (!spec || fits(pinned)) return { instanceType: pinned, reason: `compute.instanceType ${pinned}; ${reserved}` };
    const larger = Object.keys(EC2_SPECS)
      .filter((t) => fits(t))
      .sort((a, b) => EC2_SPECS[a].memoryGiB - EC2_SPECS[b].memoryGiB || EC2_SPECS[a].vcpu - EC2_SPECS[b].vcpu || a.localeCompare(b));
    const sameFamily = ladder(pinned).find(fits);
    const choose = sameFamily ?? larger[0];
    return {
      instanceType: pinned,
      problem: {
        path: 'compute.instanceType',
        message:
          `a type with at least ${mib(need + HOST_SYSTEM_MEMORY_MIB)} of memory: ${reserved}` +
          `${choose ? `; choose ${choose} or larger` : "; no known type holds them: lower the services' resources.requests.memoryMiB, or choose a cluster stage (growth or later)"}` +
          `; received ${pinned} (${fmt(spec.memoryGiB)} GiB)`,
      },
    };
  }
  const profile = EC2_SPECS[input.profileType];
  if (!profile) return { instanceType: input.profileType, reason: reserved };
  const candidates = ladder(input.profileType).filter((t) => EC2_SPECS[t].memoryGiB >= profile.memoryGiB);
  const chosen = candidates.find(fits);
  if (chosen) {
    const spec = EC2_SPECS[chosen];
    return {
      instanceType: chosen,
      reason: `${reserved} → ${chosen} (${spec.vcpu} vCPU, ${fmt(spec.memoryGiB)} GiB)${chosen === input.profileType ? '' : `, larger than the stage's ${input.profileType}`}`,
    };
  }
  const largest = candidates[candidates.length - 1];
  return {
    instanceType: input.profileType,
    problem: {
      path: 'compute.instanceType',
      message: `a type with at least ${mib(need + HOST_SYSTEM_MEMORY_MIB)} of memory: ${reserved}, more than the largest ${family(input.profileType)} type (${largest}) holds; set a larger type of another family, lower the services' resources.requests.memoryMiB, or choose a cluster stage (growth or later); received no compute.instanceType`,
    },
  };
}
