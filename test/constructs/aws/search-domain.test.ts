import { Construct } from 'constructs';
import { SearchDomain, SearchDomainProps } from '../../../constructs/aws/search-domain';
import { buildFoundation, clientGroup, NAME_PREFIX, referencedGroup, THREE_ZONES } from '../../helpers/foundation';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { resourcesOfType, synthAws } from '../../helpers/synth';

function build(scope: Construct, overrides: Partial<SearchDomainProps> = {}, zones = THREE_ZONES): SearchDomain {
  return new SearchDomain(scope, 'search', { ...buildFoundation(scope, { zones }), namePrefix: NAME_PREFIX, ...overrides });
}

function search(overrides: Partial<SearchDomainProps> = {}, zones = THREE_ZONES) {
  return synthAws((scope) => build(scope, overrides, zones));
}

function domainOf(stack: ReturnType<typeof search>): Record<string, any> {
  const [domain] = resourcesOfType(stack, 'aws_opensearch_domain');
  return domain;
}

/** The account ID expression every account-scoped value uses: element 4 of the key ARN. */
const ACCOUNT_ID = /\$\{element\(split\(":", aws_kms_key\.[\w-]+\.arn\), 4\)\}/;

describe('SearchDomain', () => {
  it('runs OpenSearch 2.17 in the VPC, one data node per zone by default, zone aware over three zones', () => {
    const domain = domainOf(search());
    expect(domain).toMatchObject({
      domain_name: 'acme-us-east-1-search',
      engine_version: 'OpenSearch_2.17',
      cluster_config: {
        instance_type: 'r6g.large.search',
        instance_count: 3,
        zone_awareness_enabled: true,
        zone_awareness_config: { availability_zone_count: 3 },
        dedicated_master_enabled: false,
      },
      ebs_options: { ebs_enabled: true, volume_type: 'gp3', volume_size: 100 },
      snapshot_options: { automated_snapshot_start_hour: 3 },
      lifecycle: { prevent_destroy: true },
    });
    expect(domain.vpc_options.subnet_ids).toHaveLength(3);
    expect(domain.vpc_options.subnet_ids.every((s: string) => /aws_subnet\.network_data-\d/.test(s))).toBe(true);
    expect(domain.vpc_options.security_group_ids).toHaveLength(1);
  });

  it('uses two zones on a two-zone network and one without zone awareness for a single node', () => {
    const two = domainOf(search({ dataNodes: 4 }, ['use1-az1', 'use1-az2']));
    expect(two.cluster_config).toMatchObject({ instance_count: 4, zone_awareness_enabled: true, zone_awareness_config: { availability_zone_count: 2 } });
    expect(two.vpc_options.subnet_ids).toHaveLength(2);

    const one = domainOf(search({ dataNodes: 1 }));
    expect(one.cluster_config.zone_awareness_enabled).toBe(false);
    expect(one.cluster_config.zone_awareness_config).toBeUndefined();
    expect(one.vpc_options.subnet_ids).toHaveLength(1);
  });

  it('spreads an even node count that is not a multiple of 3 over two of three zones', () => {
    const four = domainOf(search({ dataNodes: 4 }));
    expect(four.cluster_config).toMatchObject({ instance_count: 4, zone_awareness_config: { availability_zone_count: 2 } });
    expect(four.vpc_options.subnet_ids).toHaveLength(2);
  });

  it('adds three dedicated masters on request', () => {
    const domain = domainOf(search({ dedicatedMasters: true, dataNodes: 6, instanceType: 'r7g.xlarge.search' }));
    expect(domain.cluster_config).toMatchObject({
      instance_type: 'r7g.xlarge.search',
      instance_count: 6,
      dedicated_master_enabled: true,
      dedicated_master_type: 'm6g.large.search',
      dedicated_master_count: 3,
    });
  });

  it('encrypts at rest with the key and between nodes, and enforces HTTPS with TLS 1.2', () => {
    const domain = domainOf(search());
    expect(domain.encrypt_at_rest).toEqual({ enabled: true, kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/) });
    expect(domain.node_to_node_encryption).toEqual({ enabled: true });
    expect(domain.domain_endpoint_options).toEqual({ enforce_https: true, tls_security_policy: 'Policy-Min-TLS-1-2-2019-07' });
  });

  it('controls access with an IAM master role that only the admins given may assume, and no internal users', () => {
    const jobRole = 'arn:aws:iam::111122223333:role/acme-us-east-1-search-index-rotation';
    const stack = synthAws((scope) => build(scope).allowAdmins([jobRole, jobRole]));
    const domain = domainOf(stack);
    expect(domain.advanced_security_options).toEqual({
      enabled: true,
      anonymous_auth_enabled: false,
      internal_user_database_enabled: false,
      master_user_options: { master_user_arn: expect.stringMatching(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/) },
    });
    const role = resourcesOfType(stack, 'aws_iam_role').find((r) => r.name === 'acme-us-east-1-search-admin');
    // Review finding S3: the account root (every principal allowed sts:AssumeRole) is no longer trusted.
    expect(JSON.parse(String(role?.assume_role_policy)).Statement).toEqual([
      { Sid: 'OperationsJobs', Effect: 'Allow', Principal: { AWS: [jobRole] }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
    ]);
    expect(String(role?.assume_role_policy)).not.toContain(':root');
    expect(JSON.parse(stack.json).data).toBeUndefined();
  });

  it('fails synthesis when no admin may assume the master role', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    build(stack);
    expect(() => Testing.synth(stack, true)).toThrow(/no principal may assume the search master role; call allowAdmins with the operations Job's role/);
  });

  it('denies everyone the master role until admins are given', () => {
    const role = resourcesOfType(search(), 'aws_iam_role').find((r) => r.name === 'acme-us-east-1-search-admin');
    expect(JSON.parse(String(role?.assume_role_policy)).Statement).toEqual([
      { Sid: 'Nobody', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
    ]);
  });

  it('lets only the master role call the HTTP API', () => {
    const [policy] = resourcesOfType(search(), 'aws_opensearch_domain_policy');
    expect(policy.access_policies).toContain('"Action" = "es:ESHttp*"');
    // Built from the role's name and the domain's name (constructs/shared/arn.ts): known at plan, the role still referenced.
    expect(policy.access_policies).toMatch(/"Principal" = \{\\?"AWS\\?" = \\?"arn:.*:iam::.*:role\/\$\{aws_iam_role\.search_master-role_\w+\.name\}\\?"\}/);
    expect(policy.access_policies).toContain(':domain/acme-us-east-1-search/*"');
  });

  it('publishes all four log types to encrypted log groups OpenSearch may write to', () => {
    const stack = search();
    const domain = domainOf(stack);
    expect(domain.log_publishing_options.map((o: Record<string, unknown>) => o.log_type).sort()).toEqual([
      'AUDIT_LOGS',
      'ES_APPLICATION_LOGS',
      'INDEX_SLOW_LOGS',
      'SEARCH_SLOW_LOGS',
    ]);
    const groups = resourcesOfType(stack, 'aws_cloudwatch_log_group').filter((g) => String(g.name).startsWith('/aws/opensearch/'));
    expect(groups.map((g) => g.name).sort()).toEqual([
      '/aws/opensearch/acme-us-east-1-search/application',
      '/aws/opensearch/acme-us-east-1-search/audit',
      '/aws/opensearch/acme-us-east-1-search/index-slow',
      '/aws/opensearch/acme-us-east-1-search/search-slow',
    ]);
    expect(groups.every((g) => /aws_kms_key/.test(String(g.kms_key_id)) && g.retention_in_days === 90)).toBe(true);
    const [logPolicy] = resourcesOfType(stack, 'aws_cloudwatch_log_resource_policy');
    expect(logPolicy.policy_document).toContain('"Service" = "es.amazonaws.com"');
    expect(logPolicy.policy_document).toContain(':domain/acme-us-east-1-search');
    expect(domain.depends_on).toEqual([expect.stringMatching(/^aws_cloudwatch_log_resource_policy\./)]);
  });

  it('admits HTTPS only from client security groups', () => {
    const stack = synthAws((scope) => {
      const app = clientGroup(scope, 'app');
      const indexer = clientGroup(scope, 'indexer');
      build(scope, { clientSecurityGroups: [app] }).allowFrom(indexer, 'indexer');
    });
    const rules = resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => [r.from_port, r.to_port, referencedGroup(r)])).toEqual([
      [443, 443, 'app'],
      [443, 443, 'indexer'],
    ]);
    expect(rules.every((r) => r.cidr_ipv4 === undefined)).toBe(true);
  });

  it('alarms on CPU, red status, low storage on the fullest node and JVM memory pressure', () => {
    const stack = search({ volumeGiB: 500 });
    const alarms = Object.fromEntries(resourcesOfType(stack, 'aws_cloudwatch_metric_alarm').map((a) => [a.metric_name as string, a]));
    expect(Object.keys(alarms).sort()).toEqual(['CPUUtilization', 'ClusterStatus.red', 'FreeStorageSpace', 'JVMMemoryPressure']);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.namespace).toBe('AWS/ES');
      expect(alarm.dimensions).toEqual({ DomainName: 'acme-us-east-1-search', ClientId: expect.stringMatching(ACCOUNT_ID) });
    }
    expect(alarms.CPUUtilization).toMatchObject({ comparison_operator: 'GreaterThanThreshold', threshold: 80 });
    expect(alarms['ClusterStatus.red']).toMatchObject({ comparison_operator: 'GreaterThanOrEqualToThreshold', threshold: 1 });
    expect(alarms.FreeStorageSpace).toMatchObject({ comparison_operator: 'LessThanThreshold', threshold: 102400, statistic: 'Minimum' });
    expect(alarms.JVMMemoryPressure).toMatchObject({ comparison_operator: 'GreaterThanThreshold', threshold: 80 });
  });

  it('refuses data nodes that do not spread evenly over the zones', () => {
    expect(() => search({ dataNodes: 5 })).toThrow(
      'test/search: dataNodes: 5 data nodes do not spread evenly over 2 or 3 availability zones; use a multiple of 2 or 3',
    );
  });

  it('reports every invalid prop at once', () => {
    expect(() => search({ dataNodes: 2.5, volumeGiB: 5, snapshotStartHourUtc: 24 })).toThrow(
      [
        'test/search: dataNodes: must be a whole number of 1 or more, got 2.5',
        'test/search: volumeGiB: must be 10 or more (gp3), got 5',
        'test/search: snapshotStartHourUtc: must be a whole hour 0–23, got 24',
      ].join('\n'),
    );
  });

  it('cuts the domain name to 28 characters and refuses one that cannot be a domain name', () => {
    const long = domainOf(synthAws((scope) => build(scope, { namePrefix: 'acme-production-eu-central-1' })));
    expect(long.domain_name).toBe('acme-production-eu-central-1');
    expect(() => synthAws((scope) => build(scope, { namePrefix: '1acme' }))).toThrow(
      'test/search: namePrefix: gives the domain name "1acme-search"; OpenSearch needs 3–28 lowercase letters, digits and hyphens, starting with a letter',
    );
  });
});
