import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvironment } from '../../../config/load';
import { sizeEnvironments } from '../../../sizing/blueprint';
import { EC2_SPECS, SYSTEM_PODS_PER_NODE } from '../../../sizing/instance-specs';
import { managedNodeAllocatable } from '../../../sizing/node-allocatable';
import { resolveAssumptions } from '../../../config/assumptions';
import {
  cockroachObjects,
  cockroachPlacement,
  CockroachPlacement,
  COCKROACH_IMAGE,
  COCKROACH_JOIN_NODE_PORT,
  joinAddresses,
  regionJoinHost,
} from '../../../services/platform/cockroachdb';
import { KubernetesObject } from '../../../services/kubernetes/object';
import { base } from '../../helpers/environments';
import { EXAMPLES_ROOT } from '../../helpers/examples';
import { kubernetesSchemaReport } from '../../helpers/kubernetes';
import { podHardeningProblems } from '../../helpers/pod-hardening';

type Json = Record<string, any>;

const bucketOf = (region: string) => `crdb-backups-${region}`;

function placements(yaml: string, file: string): CockroachPlacement[] {
  const { environment, problems } = parseEnvironment(yaml, file);
  if (!environment) throw new Error(JSON.stringify(problems));
  const [{ blueprint }] = sizeEnvironments([environment]);
  return environment.regions.map((region) => cockroachPlacement(environment, blueprint, region, bucketOf));
}

const massiveYaml = readFileSync(join(EXAMPLES_ROOT, 'environments', 'massive.yaml'), 'utf8');
const massive = placements(massiveYaml, 'environments/massive.yaml');
const hyperscaleYaml = `${base('hyperscale')}database:\n  engine: cockroachdb\n  nodesPerRegion: 4\n  storageGiB: 750\n`;
const [hyperscale] = placements(hyperscaleYaml, 'environments/test.yaml');

const ofKind = (objects: readonly KubernetesObject[], kind: string) => objects.filter((o) => o.kind === kind) as Json[];
const podSpec = (o: Json): Json => o.spec.template.spec;
const flag = (command: string[], name: string) => command.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

describe.each([
  ['massive', massive],
  ['hyperscale', [hyperscale]],
])('cockroachObjects on %s', (_stage, regions) => {
  it.each(regions.map((p) => [p.region, p]))('%s: every object matches the Kubernetes API schema', (_region, placement) => {
    expect(kubernetesSchemaReport(cockroachObjects(placement))).toEqual([]);
  });

  it.each(regions.map((p) => [p.region, p]))('%s: every pod is hardened', (_region, placement) => {
    const objects = cockroachObjects(placement);
    expect(ofKind(objects, 'StatefulSet').length + ofKind(objects, 'Job').length).toBeGreaterThan(0);
    expect(podHardeningProblems(objects)).toEqual([]);
  });
});

it('would report a StatefulSet the API schema rejects (the validation is not vacuous)', () => {
  const [set] = ofKind(cockroachObjects(massive[0]), 'StatefulSet');
  const broken = { ...set, spec: { ...set.spec, replicas: 'three' } } as unknown as KubernetesObject;
  expect(kubernetesSchemaReport([broken]).join('\n')).toContain('replicas');
});

describe('CockroachDB topology per region (massive example)', () => {
  const regionCodes = massive.map((p) => p.region);

  it.each(massive.map((p) => [p.region, p]))('%s: nodesPerRegion pods, one StatefulSet per zone, pinned to it', (_region, placement) => {
    const sets = ofKind(cockroachObjects(placement), 'StatefulSet');
    expect(sets.reduce((sum, s) => sum + s.spec.replicas, 0)).toBe(placement.nodesPerRegion);
    expect(sets.map((s) => s.metadata.labels['stagecraft/zone'])).toEqual(placement.zones.slice(0, Math.min(placement.zones.length, placement.nodesPerRegion)));
    for (const set of sets) {
      const zone = set.metadata.labels['stagecraft/zone'];
      const terms = podSpec(set).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
      expect(terms).toEqual([
        { key: 'stagecraft/pool', operator: 'In', values: ['cockroachdb'] },
        { key: 'topology.k8s.aws/zone-id', operator: 'In', values: [zone] },
      ]);
      const command: string[] = podSpec(set).containers[0].command;
      expect(flag(command, 'locality')).toBe(`region=${placement.region},zone=${zone}`);
      expect(command).not.toContain('--insecure');
      expect(flag(command, 'certs-dir')).toBe('/cockroach/cockroach-certs');
      expect(flag(command, 'advertise-addr')).toBe('$(POD_IP)');
      expect(set.spec.podManagementPolicy).toBe('Parallel');
      expect(set.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${placement.volumeGiB}Gi`);
      expect(podSpec(set).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
        {
          labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/component': 'database' } },
          topologyKey: 'kubernetes.io/hostname',
        },
      ]);
      expect(podSpec(set).tolerations).toEqual([{ key: 'stagecraft/dedicated', operator: 'Equal', value: 'cockroachdb', effect: 'NoSchedule' }]);
    }
  });

  it.each(massive.map((p) => [p.region, p]))('%s: joins its own zones by DNS and every other region by its join name', (_region, placement) => {
    const sets = ofKind(cockroachObjects(placement), 'StatefulSet');
    const expected = [
      ...sets.map((s) => `${s.metadata.name}-0.cockroachdb.cockroachdb.svc.cluster.local:26257`),
      ...regionCodes.filter((r) => r !== placement.region).map((r) => `${r}.cockroachdb.acme-massive.internal:26257`),
    ];
    expect(joinAddresses(placement)).toEqual(expected);
    for (const set of sets) expect(flag(podSpec(set).containers[0].command, 'join')).toBe(expected.join(','));
  });

  it("every region appears in some other region's join list", () => {
    for (const placement of massive) {
      const others = massive.filter((p) => p !== placement).flatMap(joinAddresses);
      expect(others).toContain(`${regionJoinHost('acme-massive', placement.region)}:26257`);
    }
  });

  it("sizes each pod to its dedicated managed node's real allocatable: whole cores and GiB, requests = limits", () => {
    const sized = sizeEnvironments([parseEnvironment(massiveYaml, 'environments/massive.yaml').environment!])[0].blueprint.cockroach!;
    const a = resolveAssumptions();
    const node = managedNodeAllocatable(EC2_SPECS[sized.instanceType], { vcpu: a.nodeSystemCpu, memoryGiB: a.nodeSystemMemoryGiB, pods: SYSTEM_PODS_PER_NODE });
    const resources = podSpec(ofKind(cockroachObjects(massive[0]), 'StatefulSet')[0]).containers[0].resources;
    const expected = { cpu: String(Math.floor(node.cpuMillicores / 1000)), memory: `${Math.floor(node.memoryMiB / 1024)}Gi` };
    expect(resources).toEqual({ requests: expected, limits: expected });
    // m6i.4xlarge: the pod fits the node's 15.64 vCPU and 57.2 GiB.
    expect(expected).toEqual({ cpu: '15', memory: '57Gi' });
  });

  it('has a PodDisruptionBudget of one node and a NodePort join Service for the NLB in every region', () => {
    for (const placement of massive) {
      const objects = cockroachObjects(placement);
      expect(ofKind(objects, 'PodDisruptionBudget').map((p) => p.spec)).toEqual([
        { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/component': 'database' } } },
      ]);
      const join = ofKind(objects, 'Service').find((s) => s.metadata.name === 'cockroachdb-join')!;
      expect(join.spec).toMatchObject({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ port: 26257, nodePort: COCKROACH_JOIN_NODE_PORT }] });
      const headless = ofKind(objects, 'Service').find((s) => s.metadata.name === 'cockroachdb')!;
      expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    }
  });

  it('runs a CA bootstrap Job in every region, the init Job in the first, a region Job in each later one', () => {
    const jobs = massive.map((p) => ofKind(cockroachObjects(p), 'Job').map((j) => j.metadata.name.replace(/-[0-9a-f]{8}$/, '')));
    expect(jobs[0]).toEqual(['cockroachdb-ca-bootstrap', 'cockroachdb-init']);
    for (const later of jobs.slice(1)) expect(later).toEqual(['cockroachdb-ca-bootstrap', 'cockroachdb-region']);
  });

  it('signs node certificates for the pod IP and its region join name, and keeps the CA key out of the database container', () => {
    for (const placement of massive) {
      const set = ofKind(cockroachObjects(placement), 'StatefulSet')[0];
      const [fetch, sign] = podSpec(set).initContainers;
      expect(fetch.command[2]).toContain(`--secret-id '${placement.caSecrets.key}'`);
      expect(sign.command[2]).toContain(`cert create-node localhost 127.0.0.1 "$POD_IP"`);
      expect(sign.command[2]).toContain(regionJoinHost('acme-massive', placement.region));
      expect(podSpec(set).containers[0].volumeMounts.map((m: Json) => m.name)).toEqual(['datadir', 'certs', 'tmp']);
      expect(podSpec(set).volumes.find((v: Json) => v.name === 'ca')).toEqual({ name: 'ca', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    }
  });

  const bootstrap = (placement: CockroachPlacement) =>
    ofKind(cockroachObjects(placement), 'Job').find((j) => j.metadata.name.startsWith('cockroachdb-ca-bootstrap-'))!;
  const scriptsOf = (job: Json): string => [...podSpec(job).initContainers, ...podSpec(job).containers].map((c: Json) => c.command[2]).join('\n');

  it("fills each region's own CA secrets only, writing them only while empty: the first creates the CA, a later one copies the first's", () => {
    const [first] = massive[0].allCaSecrets;
    massive.forEach((placement, i) => {
      const job = bootstrap(placement);
      expect(podSpec(job).serviceAccountName).toBe('cockroachdb-ca-writer');
      const script = scriptsOf(job);
      const own = placement.allCaSecrets[i];
      expect(script).toContain(`aws secretsmanager put-secret-value --region ${own.region} --secret-id '${own.key}'`);
      // It never writes, nor waits for, another region's secrets: they may be deployed much later.
      for (const other of placement.allCaSecrets.filter((s) => s.region !== own.region)) {
        expect(script).not.toContain(`put-secret-value --region ${other.region}`);
        expect(script).not.toContain('describe-secret');
      }
      expect(script.indexOf(`if ! aws secretsmanager get-secret-value --region ${own.region} --secret-id '${own.key}'`)).toBeLessThan(
        script.indexOf('put-secret-value'),
      );
      const containers = podSpec(job).initContainers.map((c: Json) => c.name);
      if (i === 0) {
        expect(containers).toEqual(['read-ca', 'create-ca']);
        expect(script).toContain('cert create-ca');
      } else {
        // Never a second CA: a later region waits for the first region's (an earlier apps stack) and copies it.
        expect(containers).toEqual(['read-ca']);
        expect(script).not.toContain('cert create-ca');
        expect(script).toContain(`until aws secretsmanager get-secret-value --region ${first.region} --secret-id '${first.key}'`);
      }
    });
  });

  it('initialises the cluster and creates the users as soon as the first region is up, without waiting for the later regions', () => {
    const init = ofKind(cockroachObjects(massive[0], ['api']), 'Job').find((j) => j.metadata.name.startsWith('cockroachdb-init-'))!;
    const migrate: string = podSpec(init).containers[0].command[2];
    expect(migrate).toContain('waiting for nodes in us-east-1');
    for (const later of massive[0].regions.slice(1)) expect(migrate).not.toContain(`waiting for nodes in ${later}`);
    const users = migrate.indexOf('--file=/migrations/003_service_users.sql');
    expect(users).toBeGreaterThan(migrate.indexOf('waiting for nodes in us-east-1'));
    // Then it adds whichever later regions have already joined (a re-run, or all regions deployed at once).
    expect(migrate.indexOf('ALTER DATABASE product ADD REGION IF NOT EXISTS "eu-west-1"')).toBeGreaterThan(users);
  });

  it('joins each later region to the database once its own nodes have, and the last one to join sets region survival', () => {
    massive.slice(1).forEach((placement) => {
      const job = ofKind(cockroachObjects(placement), 'Job').find((j) => j.metadata.name.startsWith('cockroachdb-region-'))!;
      expect(podSpec(job).initContainers.map((c: Json) => c.name)).toEqual(['fetch-ca', 'client-certificate']);
      const script: string = podSpec(job).containers[0].command[2];
      expect(script).toContain(`waiting for nodes in ${placement.region}`);
      for (const other of placement.regions.filter((r) => r !== placement.region)) expect(script).not.toContain(`waiting for nodes in ${other}`);
      expect(script).toContain(`ADD REGION IF NOT EXISTS "${placement.region}"`);
      expect(script).toContain(`if [ "$count" -ge ${placement.regions.length} ]; then`);
      expect(script).toContain('SURVIVE REGION FAILURE');
    });
  });

  it('works in any timing of the regional deploys: no Job deadline, and a new Job name whenever its inputs change', () => {
    for (const placement of massive) {
      const jobs = ofKind(cockroachObjects(placement), 'Job');
      expect(jobs.map((j) => j.spec.activeDeadlineSeconds)).toEqual([undefined, undefined]);
      // Another image, or one region fewer, changes every Job's name: the next apply runs them again.
      const names = (p: CockroachPlacement) => ofKind(cockroachObjects(p), 'Job').map((j) => j.metadata.name);
      const before = names(placement);
      expect(names(placement)).toEqual(before);
      // A later region's CA bootstrap runs only the AWS CLI image: a new cockroach image leaves it as it is.
      const usesCockroach = jobs.map((j) => JSON.stringify(podSpec(j)).includes(COCKROACH_IMAGE));
      const image = names({ ...placement, image: 'cockroachdb/cockroach:v99.1.0' });
      expect(image.map((name, i) => name !== before[i])).toEqual(usesCockroach);
      expect(usesCockroach.filter(Boolean).length).toBeGreaterThan(0);
      // A region added to the environment renames the Job that joins regions to the database (init, or region).
      const more = names({ ...placement, regions: [...placement.regions, 'sa-east-1'] });
      expect(more.map((name, i) => name !== before[i])).toEqual([false, true]);
    }
  });

  it('enforces Pod Security Admission restricted on the namespace', () => {
    const [namespace] = ofKind(cockroachObjects(massive[1]), 'Namespace');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('CockroachDB topology on hyperscale (one region)', () => {
  it('spreads 4 nodes over 3 zones as 2, 1, 1 and advertises stable DNS names', () => {
    const sets = ofKind(cockroachObjects(hyperscale), 'StatefulSet');
    expect(hyperscale.nodesPerRegion).toBe(4);
    const perZone = hyperscale.zones.map((_, i) => Math.floor(4 / hyperscale.zones.length) + (i < 4 % hyperscale.zones.length ? 1 : 0));
    expect(sets.map((s) => s.spec.replicas)).toEqual(perZone);
    expect(flag(podSpec(sets[0]).containers[0].command, 'advertise-addr')).toBe('$(POD_NAME).cockroachdb.cockroachdb.svc.cluster.local');
    expect(flag(podSpec(sets[0]).containers[0].command, 'join')).toBe(
      sets.map((s) => `${s.metadata.name}-0.cockroachdb.cockroachdb.svc.cluster.local:26257`).join(','),
    );
    expect(ofKind(cockroachObjects(hyperscale), 'Service').map((s) => s.metadata.name)).toEqual(['cockroachdb', 'cockroachdb-public']);
  });

  it('applies database.storageGiB to the volumes', () => {
    const [set] = ofKind(cockroachObjects(hyperscale), 'StatefulSet');
    expect(set.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('750Gi');
  });
});
