import { podHardeningProblems } from '../../helpers/pod-hardening';

const hardened = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};
const resources = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
const probe = { httpGet: { path: '/health', port: 8080 } };

const workload = (kind: string, container: Record<string, unknown>, initContainers: unknown[] = []) => ({
  apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
  kind,
  metadata: { name: 'x', namespace: 'n' },
  spec: { template: { spec: { initContainers, containers: [{ name: 'main', ...container }] } } },
});

describe('podHardeningProblems', () => {
  it('accepts a hardened long-running container with probes, and a hardened Job without them', () => {
    expect(podHardeningProblems([workload('StatefulSet', { securityContext: hardened, resources, livenessProbe: probe, readinessProbe: probe })])).toEqual([]);
    expect(podHardeningProblems([workload('Job', { securityContext: hardened, resources })])).toEqual([]);
  });

  it('names every missing piece, init containers included', () => {
    expect(
      podHardeningProblems([
        workload('Deployment', { securityContext: { ...hardened, readOnlyRootFilesystem: false }, resources: { requests: resources.requests } }, [
          { name: 'init', securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true }, resources },
        ]),
      ]),
    ).toEqual([
      'Deployment x container init: allowPrivilegeEscalation is not false',
      'Deployment x container init: does not drop ALL capabilities',
      'Deployment x container main: readOnlyRootFilesystem is not true',
      'Deployment x container main: no limits.cpu',
      'Deployment x container main: no limits.memory',
      'Deployment x container main: no livenessProbe',
      'Deployment x container main: no readinessProbe',
    ]);
  });
});
