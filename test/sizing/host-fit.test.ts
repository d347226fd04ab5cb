/**
 * The host type of launch and traction holds the memory its containers reserve (issue 15): the
 * profile's type when it does, a larger one of its family when not, and a pinned type too small
 * stops the command (exit 2) with the type to choose.
 */
import { base, environment, sizeProblems } from '../helpers/environments';
import { blueprintFor } from '../../sizing/blueprint';
import { fitHostType, hostContainerMemoryMiB, hostContainers } from '../../sizing/host-fit';
import { EC2_SPECS } from '../../sizing/instance-specs';
import { STAGE_PROFILES } from '../../sizing/stage-profiles';

const reserved = (yaml: string, stores: Array<'postgres' | 'redis'>) =>
  hostContainers(environment(yaml).services, stores).reduce((sum, c) => sum + c.memoryMiB, 0);

describe('the host type holds the containers', () => {
  it('keeps the profile type when the reservations fit it, and takes the smallest larger type of its family when not', () => {
    const containers = [
      { name: 'a', memoryMiB: 2048 },
      { name: 'b', memoryMiB: 4096 },
    ];
    // 6,144 MiB: not t3.medium (3,072 after the OS), t3.large (7,168).
    expect(fitHostType({ profileType: 't3.medium', containers }).instanceType).toBe('t3.large');
    expect(fitHostType({ profileType: 't3.large', containers }).instanceType).toBe('t3.large');
    expect(fitHostType({ profileType: 't3.medium', containers: [{ name: 'a', memoryMiB: 3072 }] }).instanceType).toBe('t3.medium');
  });

  it('sizes the example catalog: every type the stages choose holds what their containers reserve', () => {
    for (const [stage, stores] of [
      ['launch', ['postgres', 'redis']],
      ['traction', []],
    ] as const) {
      const yaml = base(stage);
      const type = blueprintFor(environment(yaml)).hosts!.instanceType;
      const need = reserved(yaml, [...stores]);
      expect(hostContainerMemoryMiB(EC2_SPECS[type])).toBeGreaterThanOrEqual(need);
      // …and no smaller type of the family at least the profile's would.
      const smaller = Object.entries(EC2_SPECS).filter(
        ([t, spec]) =>
          t.startsWith('t3.') && spec.memoryGiB < EC2_SPECS[type].memoryGiB && spec.memoryGiB >= EC2_SPECS[STAGE_PROFILES[stage].hosts!.instanceType].memoryGiB,
      );
      for (const [, spec] of smaller) expect(hostContainerMemoryMiB(spec)).toBeLessThan(need);
    }
  });

  it('refuses a pinned type too small for the reservations, naming the type to choose', () => {
    expect(sizeProblems(`${base('launch')}compute:\n  instanceType: t3.medium\n`)).toEqual([
      'environments/test.yaml: compute.instanceType: a type with at least 9,344 MiB of memory: the containers reserve 8,320 MiB (api 2,048, delivery-worker 512, websocket-gateway 4,096, postgres 1,024, redis 512, proxy 128), plus 1,024 MiB for the OS and docker; choose t3.xlarge or larger; received t3.medium (4 GiB)',
    ]);
    expect(sizeProblems(`${base('launch')}compute:\n  instanceType: m6i.xlarge\n`)).toEqual([]);
    expect(blueprintFor(environment(`${base('launch')}compute:\n  instanceType: r6i.large\n`)).hosts?.instanceType).toBe('r6i.large');
  });

  it('refuses reservations no type of the family holds', () => {
    const huge = Array.from({ length: 9 }, (_, i) => ({ name: `s${i}`, memoryMiB: 4096 }));
    const fit = fitHostType({ profileType: 't3.medium', containers: huge });
    expect('problem' in fit && fit.problem.message).toBe(
      `a type with at least 37,888 MiB of memory: the containers reserve 36,864 MiB (s0 4,096, s1 4,096, s2 4,096, s3 4,096, s4 4,096, s5 4,096, s6 4,096, s7 4,096, s8 4,096), plus 1,024 MiB for the OS and docker, more than the largest t3 type (t3.2xlarge) holds; set a larger type of another family, lower the services' resources.requests.memoryMiB, or choose a cluster stage (growth or later); received no compute.instanceType`,
    );
  });
});
