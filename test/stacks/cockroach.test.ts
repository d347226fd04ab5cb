/** The AWS side of CockroachDB in the regional stacks, and Redis per region on massive. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caSecretNames, COCKROACH_JOIN_NODE_PORT, joinZoneName, multiRegionMigration, regionJoinHost } from '../../services/platform/cockroachdb';
import { base } from '../helpers/environments';
import { ExampleSynthesis, EXAMPLES_ROOT, synthesizeYaml } from '../helpers/examples';

type Json = Record<string, any>;

const massiveYaml = readFileSync(join(EXAMPLES_ROOT, 'environments', 'massive.yaml'), 'utf8');
const hyperscaleYaml = `${base('hyperscale').replace('acme-test', 'acme-crdb')}database:\n  engine: cockroachdb\n`;
let synthesis: ExampleSynthesis;

beforeAll(() => {
  synthesis = synthesizeYaml(massiveYaml, hyperscaleYaml);
});

const massiveRegions = () => synthesis.environments.find((e) => e.name === 'acme-massive')!.regions.map((r) => r.code);
const stackOf = (region: string) => `acme-massive-${region}`;
/** A role policy with its Terraform interpolations (partition, account ID) replaced by `$`, so it parses as JSON. */
const policyOf = (stack: string, name: string) =>
  JSON.parse(String(synthesis.resources(stack, 'aws_iam_role_policy').find((p) => p.name === name)!.policy).replace(/\$\{[^}]*\}/g, '$')) as {
    Statement: Json[];
  };

describe('CockroachDB in the regional stacks (massive example)', () => {
  it('associates the cockroachdb, CA writer and client-certificate service accounts with Pod Identity roles in every region', () => {
    for (const region of massiveRegions()) {
      const associations = synthesis.resources(stackOf(region), 'aws_eks_pod_identity_association').filter((a) => a.namespace === 'cockroachdb');
      expect(associations.map((a) => a.service_account)).toEqual(['cockroachdb', 'cockroachdb-ca-writer', 'cockroachdb-client-certs']);
    }
  });

  it("lets the client-certificate Job only read its region's CA", () => {
    for (const region of massiveRegions()) {
      const policy = policyOf(stackOf(region), 'cockroachdb-client-certs');
      expect(policy.Statement.map((s) => [s.Sid, s.Action])).toEqual([
        ['ReadRegionCa', 'secretsmanager:GetSecretValue'],
        ['DecryptCa', ['kms:Decrypt']],
      ]);
      expect(JSON.stringify(policy)).toContain(`:secretsmanager:${region}:`);
    }
  });

  it("lets the pods read only their region's CA and use only the environment's backup buckets", () => {
    for (const region of massiveRegions()) {
      const { Statement } = policyOf(stackOf(region), 'cockroachdb');
      const names = caSecretNames(stackOf(region));
      const ca = Statement.find((s) => s.Sid === 'ReadRegionCa')!;
      expect(ca.Action).toBe('secretsmanager:GetSecretValue');
      expect(ca.Resource).toHaveLength(2);
      expect(ca.Resource[0]).toMatch(new RegExp(`^arn:.*:secretsmanager:${region}:.*:secret:${names.certificate}-\\?{6}$`));
      expect(ca.Resource[1]).toMatch(new RegExp(`^arn:.*:secretsmanager:${region}:.*:secret:${names.key}-\\?{6}$`));
      const writes = Statement.find((s) => s.Sid === 'ReadWriteBackups')!;
      expect(writes.Action).toEqual(['s3:GetObject', 's3:PutObject']);
      // The example gives aws.accountId: the bucket names and ARNs are literals.
      const account = synthesis.environments.find((e) => e.name === 'acme-massive')!.awsAccountId;
      expect(writes.Resource).toEqual(massiveRegions().map((r) => `arn:aws:s3:::${stackOf(r)}-crdb-${account}/*`));
      for (const statement of Statement) {
        expect([statement.Action].flat().some((a: string) => a.includes('*'))).toBe(false);
        if (String(statement.Action).startsWith('kms') || [statement.Action].flat().some((a: string) => a.startsWith('kms:')))
          expect(statement.Condition.StringEquals['kms:ViaService']).toBeDefined();
      }
    }
  });

  it('keeps CA key material out of Terraform: empty secrets, no versions, no PEM', () => {
    for (const region of massiveRegions()) {
      const stack = stackOf(region);
      const names = caSecretNames(stack);
      const secrets = synthesis.resources(stack, 'aws_secretsmanager_secret').filter((s) => String(s.name).includes('/cockroachdb/'));
      expect(secrets.map((s) => s.name)).toEqual([names.certificate, names.key]);
      for (const secret of secrets) expect(secret).toMatchObject({ kms_key_id: expect.stringContaining('aws_kms_key'), lifecycle: { prevent_destroy: true } });
      const versions = JSON.stringify(synthesis.resources(stack, 'aws_secretsmanager_secret_version'));
      expect(versions).not.toContain('cockroachdb-ca');
      // The only PEM is the public origin-pull CA of the ALB's trust store (docs/origin-trust.md).
      const originPullCa = JSON.stringify(synthesis.environments.find((e) => e.name === 'acme-massive')!.edge.originPullCa).slice(1, -1);
      expect(JSON.stringify(synthesis.stack(stack)).replaceAll(originPullCa, '')).not.toContain('BEGIN');
    }
  });

  it("lets each region's CA writer fill only its own region's CA secrets, and a later region's read the first region's to copy them", () => {
    const [first] = massiveRegions();
    massiveRegions().forEach((region, i) => {
      const { Statement } = policyOf(stackOf(region), 'cockroachdb-ca-writer');
      const fill = Statement.find((s) => s.Sid === 'FillCaSecrets')!;
      expect(fill.Action).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']);
      expect(fill.Resource).toHaveLength(2);
      for (const arn of fill.Resource) expect(arn).toContain(`:secretsmanager:${region}:`);
      const read = Statement.find((s) => s.Sid === 'ReadFirstRegionCa');
      if (i === 0) {
        expect(read).toBeUndefined();
      } else {
        expect(read!.Action).toBe('secretsmanager:GetSecretValue');
        expect(read!.Resource).toHaveLength(2);
        for (const arn of read!.Resource) expect(arn).toContain(`:secretsmanager:${first}:`);
        expect(Statement.find((s) => s.Sid === 'DecryptFirstRegionCa')!.Condition.StringEquals['kms:ViaService']).toEqual([
          `secretsmanager.${first}.amazonaws.com`,
        ]);
      }
    });
  });

  it('starts no service pod before its client certificate exists: each Deployment that mounts one depends on the Job that writes it, which follows the SQL users', () => {
    massiveRegions().forEach((region, i) => {
      const apps = `${stackOf(region)}-apps`;
      const jobs = Object.entries(synthesis.stack(apps).resource!.kubernetes_job_v1 as Record<string, Json>);
      const address = (prefix: string) => `kubernetes_job_v1.${jobs.find(([, job]) => job.metadata.name.startsWith(prefix))![0]}`;
      const certificates = address('cockroachdb-client-certs-');
      const deployments = synthesis.resources(apps, 'kubernetes_deployment_v1').filter((d) => JSON.stringify(d).includes('cockroachdb-client-'));
      expect(deployments.length).toBeGreaterThan(0);
      for (const deployment of deployments) expect(deployment.depends_on).toContain(certificates);
      const writer = jobs.find(([, job]) => job.metadata.name.startsWith('cockroachdb-client-certs-'))![1];
      expect(writer.depends_on).toContain(address(i === 0 ? 'cockroachdb-init-' : 'cockroachdb-region-'));
    });
  });

  it("deploys a later region's apps stack after the first region's, whose CA it copies and whose cluster it joins", () => {
    const manifest = JSON.parse(readFileSync(join(synthesis.outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };
    const [first, ...later] = massiveRegions();
    for (const region of later) expect(manifest.stacks[`${stackOf(region)}-apps`].dependencies).toContain(`${stackOf(first)}-apps`);
    expect(manifest.stacks[`${stackOf(first)}-apps`].dependencies).toEqual([stackOf(first)]);
  });

  it("creates the join zone in the first region, associates every later VPC, and names each region's join NLB in it", () => {
    const [first, ...later] = massiveRegions();
    expect(synthesis.resources(stackOf(first), 'aws_route53_zone').map((z) => z.name)).toEqual([joinZoneName('acme-massive')]);
    for (const region of later) {
      expect(synthesis.resources(stackOf(region), 'aws_route53_zone')).toEqual([]);
      expect(synthesis.resources(stackOf(region), 'aws_route53_zone_association')).toHaveLength(1);
    }
    for (const region of massiveRegions()) {
      const [record] = synthesis.resources(stackOf(region), 'aws_route53_record');
      expect(record).toMatchObject({ name: regionJoinHost('acme-massive', region), type: 'A' });
      const [nlb] = synthesis.resources(stackOf(region), 'aws_lb').filter((lb) => lb.load_balancer_type === 'network');
      expect(nlb).toMatchObject({ internal: true, enable_deletion_protection: true });
      const [group] = synthesis.resources(stackOf(region), 'aws_lb_target_group').filter((g) => g.protocol === 'TCP');
      expect(group).toMatchObject({ port: COCKROACH_JOIN_NODE_PORT, target_type: 'instance' });
      const listener = synthesis.resources(stackOf(region), 'aws_lb_listener').find((l) => l.protocol === 'TCP')!;
      expect(listener.port).toBe(26257);
      // The join target group is registered through the CockroachDB pool (the public services' through the general pool).
      const joins = synthesis
        .resources(stackOf(region), 'aws_autoscaling_attachment')
        .filter((a) => String(a.lb_target_group_arn).includes('cockroachdb-join'));
      expect(joins).toHaveLength(1);
      expect(joins[0].autoscaling_group_name).toMatch(/^\$\{aws_eks_node_group\.nodes-cockroachdb_group_/);
    }
  });

  it("admits join traffic only from the environment's VPCs", () => {
    const cidrs = synthesis.environments
      .find((e) => e.name === 'acme-massive')!
      .regions.map((r) => r.vpcCidr)
      .sort();
    for (const region of massiveRegions()) {
      const rules = synthesis.resources(stackOf(region), 'aws_vpc_security_group_ingress_rule').filter((r) => r.from_port === COCKROACH_JOIN_NODE_PORT);
      expect(rules.map((r) => r.cidr_ipv4).sort()).toEqual(cidrs);
    }
  });
});

describe('CockroachDB on hyperscale (one region)', () => {
  const stack = 'acme-crdb-us-east-1';

  it('has the backup bucket, CA secrets and Pod Identity, but no join endpoint or zone', () => {
    expect(
      synthesis
        .resources(stack, 'aws_eks_pod_identity_association')
        .filter((a) => a.namespace === 'cockroachdb')
        .map((a) => a.service_account),
    ).toEqual(['cockroachdb', 'cockroachdb-ca-writer', 'cockroachdb-client-certs']);
    expect(synthesis.resources(stack, 'aws_secretsmanager_secret').filter((s) => String(s.name).includes('/cockroachdb/'))).toHaveLength(2);
    expect(synthesis.resources(stack, 'aws_route53_zone')).toEqual([]);
    expect(synthesis.resources(stack, 'aws_lb').filter((lb) => lb.load_balancer_type === 'network')).toEqual([]);
    expect(synthesis.resources(stack, 'aws_rds_cluster')).toEqual([]);
    expect(synthesis.stack(stack).output?.cockroachdb_backup_bucket).toBeDefined();
  });
});

describe('migration files written by synth', () => {
  it("writes each CockroachDB environment's multi-region SQL to migrations/<env>/ beside the stacks", () => {
    for (const environment of synthesis.environments) {
      const file = join(synthesis.outdir, 'migrations', environment.name, '001_multi_region.sql');
      expect(readFileSync(file, 'utf8')).toBe(multiRegionMigration({ environment: environment.name, regions: environment.regions.map((r) => r.code) }).sql);
    }
    expect(readFileSync(join(synthesis.outdir, 'migrations', 'acme-massive', '001_multi_region.sql'), 'utf8')).toContain('SURVIVE REGION FAILURE');
  });

  it('writes none for Postgres environments', () => {
    const postgres = synthesizeYaml(base('scale'));
    expect(existsSync(join(postgres.outdir, 'migrations'))).toBe(false);
  });
});

describe('Redis per region on massive', () => {
  it('runs a Redis Cluster of at least 3 shards × 1 replica in every region: cluster mode, multi-AZ, TLS and IAM authentication', () => {
    for (const region of massiveRegions()) {
      const [group] = synthesis.resources(stackOf(region), 'aws_elasticache_replication_group');
      expect(group).toMatchObject({
        cluster_mode: 'enabled',
        automatic_failover_enabled: true,
        multi_az_enabled: true,
        transit_encryption_enabled: true,
        at_rest_encryption_enabled: 'true',
        user_group_ids: [expect.stringContaining('aws_elasticache_user_group')],
      });
      expect(group.auth_token).toBeUndefined();
      expect(group.num_node_groups).toBeGreaterThanOrEqual(3);
      expect(group.replicas_per_node_group).toBeGreaterThanOrEqual(1);
    }
  });
});
