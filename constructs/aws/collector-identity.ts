/**
 * The AWS permissions of the region's OpenTelemetry collector (services/platform/otel-collector.ts),
 * mapped to its ServiceAccount by EKS Pod Identity, and nothing more: X-Ray's span and sampling
 * calls (which have no resource-level permissions), and — where it publishes CockroachDB's
 * metrics — writing log streams of its one EMF log group, which this construct creates encrypted.
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { EksCluster } from './eks-cluster';
import { EncryptionKey } from './encryption-key';
import { encryptedLogGroup } from './encrypted-log-group';
import { logGroupArn } from '../shared/arn';
import { serviceTrustPolicy } from './iam';

/** Props of a CollectorIdentity. */
export interface CollectorIdentityProps {
  readonly roleName: string;
  readonly cluster: EksCluster;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly encryptionKey: EncryptionKey;
  /** The EMF log group to create and allow writes to. @default none (traces only) */
  readonly metricsLogGroupName?: string;
  /** Days the EMF log events are kept (the metrics themselves stay in CloudWatch). @default 7 */
  readonly metricsLogRetentionDays?: number;
}

export class CollectorIdentity extends Construct {
  readonly role: IamRole;
  readonly metricsLogGroup?: CloudwatchLogGroup;
  readonly association: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: CollectorIdentityProps) {
    super(scope, id);
    this.role = new IamRole(this, 'role', { name: props.roleName, assumeRolePolicy: serviceTrustPolicy('pods.eks.amazonaws.com', ['sts:TagSession']) });
    const statements: Array<Record<string, unknown>> = [
      {
        Sid: 'SendSpans',
        Effect: 'Allow',
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries'],
        Resource: '*',
      },
    ];
    if (props.metricsLogGroupName !== undefined) {
      this.metricsLogGroup = encryptedLogGroup(this, 'metrics-log-group', {
        name: props.metricsLogGroupName,
        retentionDays: props.metricsLogRetentionDays ?? 7,
        encryptionKey: props.encryptionKey,
      });
      const groupArn = logGroupArn(props.encryptionKey, props.metricsLogGroupName);
      statements.push({
        Sid: 'PublishEmfMetrics',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        // Built from the name, so the first plan shows it (constructs/shared/arn.ts).
        Resource: [groupArn, `${groupArn}:log-stream:*`],
      });
    }
    new IamRolePolicy(this, 'policy', { role: this.role.id, policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
    this.association = new EksPodIdentityAssociation(this, 'association', {
      clusterName: props.cluster.cluster.name,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.arn,
    });
  }
}
