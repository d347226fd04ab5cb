import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogResourcePolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { OpensearchDomain } from '@cdktf/provider-aws/lib/opensearch-domain';
import { OpensearchDomainPolicy } from '@cdktf/provider-aws/lib/opensearch-domain-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AlarmTopic, MetricAlarmSpec } from './alarm-topic';
import { ClientAccess } from './client-access';
import { encryptedLogGroup } from './encrypted-log-group';
import { EncryptionKey } from './encryption-key';
import { Network } from './network';
import { preventDestroy, resourceName, uniqueResourceName } from '../shared/protection';
import { SecurityGroupRef } from './security-group-ref';
import { logGroupArn, roleArn, searchDomainArn } from '../shared/arn';
import { checkProps } from '../shared/validation';

export const OPENSEARCH_PORT = 443;

/** Log types the domain publishes, and the suffix of each one's log group. */
const LOG_TYPES = {
  INDEX_SLOW_LOGS: 'index-slow',
  SEARCH_SLOW_LOGS: 'search-slow',
  ES_APPLICATION_LOGS: 'application',
  AUDIT_LOGS: 'audit',
} as const;

/** Props of a SearchDomain. */
export interface SearchDomainProps {
  /** Prefix of every name, `<env>-<region>`; the domain name is cut to OpenSearch's 28 characters. */
  readonly namePrefix: string;
  /** The domain goes into the network's data subnets, one per zone it uses. */
  readonly network: Network;
  /** Key for storage and log groups; its ARN also gives the account ID. */
  readonly encryptionKey: EncryptionKey;
  /** Topic the domain's alarms notify. */
  readonly alarms: AlarmTopic;
  /** Data node type. @default "r6g.large.search" */
  readonly instanceType?: string;
  /**
   * Data nodes. From 2, they spread over 3 zones when a multiple of 3 (and the network
   * has 3), otherwise over 2, and must divide evenly. @default one per zone used: min(3, zones)
   */
  readonly dataNodes?: number;
  /** gp3 volume per data node, GiB. @default 100 */
  readonly volumeGiB?: number;
  /** Three dedicated master nodes, which keep the cluster stable under load. @default false */
  readonly dedicatedMasters?: boolean;
  /** Dedicated master node type. @default "m6g.large.search" */
  readonly masterInstanceType?: string;
  /** Hour (UTC, 0–23) of the automated daily snapshot. @default 3 */
  readonly snapshotStartHourUtc?: number;
  /** Days the published logs are kept. @default 90 */
  readonly logRetentionDays?: number;
  /**
   * Security groups allowed to connect on 443; rules are keyed by position. Groups that
   * exist only later are added with `allowFrom`. @default none
   */
  readonly clientSecurityGroups?: readonly SecurityGroupRef[];
}

/**
 * An OpenSearch 2.17 domain reachable only inside the VPC, behind its own security group:
 * encrypted at rest and between nodes, HTTPS with TLS 1.2 or later, fine-grained access
 * control with an IAM master role (no internal users, so no passwords), and every log type
 * published to encrypted log groups. Only the master role may call the domain's HTTP API.
 */
/** The HTTP methods a service's role may use on the domain; its role mapping narrows them to its indices. */
export const SEARCH_CLIENT_ACTIONS = ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete'];

export class SearchDomain extends Construct {
  readonly domain: OpensearchDomain;
  readonly domainName: string;
  readonly securityGroup: SecurityGroup;
  readonly ingressRules: VpcSecurityGroupIngressRule[];
  /** The fine-grained access control master; only the principals given to `allowAdmins` may assume it. */
  readonly masterRole: IamRole;
  /** The domain's ARN, built from its name: policies that name it are known at plan time. */
  readonly arn: string;
  /** The master role's ARN from its name (a reference to a configured attribute: known at plan, and the policy still waits for the role). */
  private readonly masterRoleArn: string;
  private readonly adminPrincipalArns: string[] = [];
  readonly accessPolicy: OpensearchDomainPolicy;
  readonly logGroups: CloudwatchLogGroup[] = [];
  readonly logResourcePolicy: CloudwatchLogResourcePolicy;
  readonly metricAlarms: CloudwatchMetricAlarm[] = [];
  /** Host name of the domain's VPC endpoint. */
  readonly endpoint: string;
  readonly port = OPENSEARCH_PORT;

  private readonly clientAccess: ClientAccess;
  private readonly clientRoleArns: string[] = [];

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    const zones = props.network.dataSubnets.length;
    const instanceType = props.instanceType ?? 'r6g.large.search';
    const dataNodes = props.dataNodes ?? Math.min(3, zones);
    const volumeGiB = props.volumeGiB ?? 100;
    const dedicatedMasters = props.dedicatedMasters ?? false;
    const masterInstanceType = props.masterInstanceType ?? 'm6g.large.search';
    const snapshotStartHourUtc = props.snapshotStartHourUtc ?? 3;
    const logRetentionDays = props.logRetentionDays ?? 90;
    const zoneAware = dataNodes >= 2;
    // Three zones when the node count allows it, else two (e.g. 2 or 4 nodes).
    const zonesUsed = !zoneAware ? 1 : zones >= 3 && dataNodes % 3 === 0 ? 3 : Math.min(2, zones);

    this.domainName = resourceName(props.namePrefix, 'search', 28).toLowerCase();
    const name = this.domainName;

    checkProps(this, [
      {
        failed: !/^[a-z][a-z0-9-]{2,27}$/.test(name),
        message: `namePrefix: gives the domain name "${name}"; OpenSearch needs 3–28 lowercase letters, digits and hyphens, starting with a letter`,
      },
      { failed: !(Number.isInteger(dataNodes) && dataNodes >= 1), message: `dataNodes: must be a whole number of 1 or more, got ${dataNodes}` },
      {
        failed: zoneAware && zones < 2,
        message: `dataNodes: ${dataNodes} data nodes need zone awareness over 2 or 3 availability zones; the network has ${zones}`,
      },
      {
        failed: zoneAware && zones >= 2 && Number.isInteger(dataNodes) && dataNodes % zonesUsed !== 0,
        message: `dataNodes: ${dataNodes} data nodes do not spread evenly over ${zones >= 3 ? '2 or 3' : zonesUsed} availability zones; use a multiple of ${zones >= 3 ? '2 or 3' : zonesUsed}`,
      },
      { failed: !(volumeGiB >= 10), message: `volumeGiB: must be 10 or more (gp3), got ${volumeGiB}` },
      {
        failed: !(Number.isInteger(snapshotStartHourUtc) && snapshotStartHourUtc >= 0 && snapshotStartHourUtc <= 23),
        message: `snapshotStartHourUtc: must be a whole hour 0–23, got ${snapshotStartHourUtc}`,
      },
    ]);

    // Account and partition come with the key (literals when the environment gives the account ID).
    const { accountId } = props.encryptionKey;

    this.clientAccess = new ClientAccess(this, {
      name,
      service: 'OpenSearch',
      network: props.network,
      clientPorts: OPENSEARCH_PORT,
      clientSecurityGroups: props.clientSecurityGroups,
    });
    this.securityGroup = this.clientAccess.securityGroup;
    this.ingressRules = this.clientAccess.ingressRules;

    this.masterRole = new IamRole(this, 'master-role', {
      name: uniqueResourceName(props.namePrefix, 'search-admin', 64),
      description: `Fine-grained access control master of the ${name} OpenSearch domain`,
      // Replaced by allowAdmins; a domain whose master nobody may assume fails synthesis (below).
      assumeRolePolicy: adminTrustPolicy([]),
    });
    this.node.addValidation({
      validate: () =>
        this.adminPrincipalArns.length > 0
          ? []
          : [`${this.node.path}: no principal may assume the search master role; call allowAdmins with the operations Job's role`],
    });

    const logOptions = Object.entries(LOG_TYPES).map(([logType, suffix]) => {
      const group = encryptedLogGroup(this, `log-${suffix}`, {
        name: `/aws/opensearch/${name}/${suffix}`,
        retentionDays: logRetentionDays,
        encryptionKey: props.encryptionKey,
      });
      this.logGroups.push(group);
      return { logType, cloudwatchLogGroupArn: group.arn, enabled: true };
    });
    // The domain ARN is built, not referenced: the domain must wait for this policy.
    const domainArn = searchDomainArn(props.encryptionKey, name);
    this.arn = domainArn;
    this.masterRoleArn = roleArn(props.encryptionKey, this.masterRole.name);
    this.logResourcePolicy = new CloudwatchLogResourcePolicy(this, 'log-policy', {
      policyName: `${name}-opensearch-logs`,
      policyDocument: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'OpenSearchPublishesLogs',
            Effect: 'Allow',
            Principal: { Service: 'es.amazonaws.com' },
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: this.logGroups.map((g) => `${logGroupArn(props.encryptionKey, g.name)}:*`),
            Condition: { StringEquals: { 'aws:SourceAccount': accountId }, ArnLike: { 'aws:SourceArn': domainArn } },
          },
        ],
      }),
    });

    this.domain = preventDestroy(
      new OpensearchDomain(this, 'domain', {
        domainName: name,
        engineVersion: 'OpenSearch_2.17',
        clusterConfig: {
          instanceType,
          instanceCount: dataNodes,
          zoneAwarenessEnabled: zoneAware,
          zoneAwarenessConfig: zoneAware ? { availabilityZoneCount: zonesUsed } : undefined,
          dedicatedMasterEnabled: dedicatedMasters,
          dedicatedMasterType: dedicatedMasters ? masterInstanceType : undefined,
          dedicatedMasterCount: dedicatedMasters ? 3 : undefined,
        },
        vpcOptions: {
          subnetIds: props.network.dataSubnets.slice(0, zonesUsed).map((s) => s.id),
          securityGroupIds: [this.securityGroup.id],
        },
        ebsOptions: { ebsEnabled: true, volumeType: 'gp3', volumeSize: volumeGiB },
        encryptAtRest: { enabled: true, kmsKeyId: props.encryptionKey.arn },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
        advancedSecurityOptions: {
          enabled: true,
          anonymousAuthEnabled: false,
          internalUserDatabaseEnabled: false,
          masterUserOptions: { masterUserArn: this.masterRole.arn },
        },
        logPublishingOptions: logOptions,
        snapshotOptions: { automatedSnapshotStartHour: snapshotStartHourUtc },
        tags: { Name: name },
        dependsOn: [this.logResourcePolicy],
      }),
    );
    this.endpoint = this.domain.endpoint;

    // A separate resource, so the domain's own access_policies stays unmanaged and never fights it.
    this.accessPolicy = new OpensearchDomainPolicy(this, 'access-policy', {
      domainName: this.domain.domainName,
      accessPolicies: this.accessPolicyDocument(),
    });

    const dimensions = { DomainName: name, ClientId: accountId };
    const alarm = (alarmId: string, spec: Omit<MetricAlarmSpec, 'alarmName' | 'namespace' | 'dimensions'>) =>
      this.metricAlarms.push(props.alarms.alarm(this, alarmId, { ...spec, alarmName: `${name}-${alarmId}`, namespace: 'AWS/ES', dimensions }));
    alarm('cpu', {
      description: `OpenSearch ${name} CPU above 80%.`,
      metricName: 'CPUUtilization',
      comparison: 'GreaterThanThreshold',
      threshold: 80,
      statistic: 'Maximum',
    });
    alarm('cluster-red', {
      description: `OpenSearch ${name} is red: at least one primary shard is unassigned.`,
      metricName: 'ClusterStatus.red',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      statistic: 'Maximum',
      evaluationPeriods: 1,
    });
    // FreeStorageSpace is in MiB; its Minimum is the fullest data node.
    alarm('free-storage', {
      description: `An OpenSearch ${name} data node has less than 20% of its ${volumeGiB} GiB free.`,
      metricName: 'FreeStorageSpace',
      comparison: 'LessThanThreshold',
      threshold: volumeGiB * 1024 * 0.2,
      statistic: 'Minimum',
    });
    alarm('jvm-memory', {
      description: `OpenSearch ${name} JVM memory pressure above 80%.`,
      metricName: 'JVMMemoryPressure',
      comparison: 'GreaterThanThreshold',
      threshold: 80,
      statistic: 'Maximum',
    });
  }

  /**
   * Lets these IAM roles (services that declare search) send requests to the domain. The domain
   * policy only admits them: fine-grained access control still decides what each may do, by the
   * role mapping the search Job applies (services/platform/operations-jobs.ts).
   */
  allowClients(roleArns: readonly string[]): void {
    this.clientRoleArns.push(...roleArns);
    this.accessPolicy.accessPolicies = this.accessPolicyDocument();
  }

  private accessPolicyDocument(): string {
    const statements: Array<Record<string, unknown>> = [
      { Effect: 'Allow', Principal: { AWS: this.masterRoleArn }, Action: 'es:ESHttp*', Resource: `${this.arn}/*` },
    ];
    if (this.clientRoleArns.length > 0) {
      statements.push({
        Sid: 'ServiceRoles',
        Effect: 'Allow',
        Principal: { AWS: [...this.clientRoleArns] },
        Action: SEARCH_CLIENT_ACTIONS,
        Resource: `${this.arn}/*`,
      });
    }
    return Fn.jsonencode({ Version: '2012-10-17', Statement: statements });
  }

  /** Lets `sg` connect on 443. `id` names the rule and must be unique in this construct. */
  allowFrom(sg: SecurityGroupRef, id: string): VpcSecurityGroupIngressRule {
    return this.clientAccess.allowPort(sg, id, OPENSEARCH_PORT);
  }

  /**
   * Lets exactly these IAM roles (the operations Job's Pod Identity role) assume the master role;
   * review finding S3: it trusted the whole account before.
   */
  allowAdmins(roleArns: readonly string[]): void {
    for (const arn of roleArns) if (!this.adminPrincipalArns.includes(arn)) this.adminPrincipalArns.push(arn);
    this.masterRole.assumeRolePolicy = adminTrustPolicy(this.adminPrincipalArns);
  }
}

/**
 * A trust policy letting exactly `roleArns` assume the role (none: nobody). The admins are Pod
 * Identity roles, whose session tags are transitive: the chained AssumeRole also needs
 * sts:TagSession (aws/eks-pod-identity-agent#80; SC-PRE-17).
 */
function adminTrustPolicy(roleArns: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement:
      roleArns.length > 0
        ? [{ Sid: 'OperationsJobs', Effect: 'Allow', Principal: { AWS: [...roleArns] }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]
        : [{ Sid: 'Nobody', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
  });
}
