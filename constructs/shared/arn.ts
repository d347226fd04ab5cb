/**
 * ARNs built from partition, account, region and name (issue 14, item 4): a policy that names a
 * resource of the same plan by its `.arn` attribute shows "(known after apply)" in the first plan,
 * so a reviewer cannot read it. With the environment's `aws.accountId` these are literals. Where
 * the ARN ends in an id the service generates (an MSK cluster's UUID, a node group's id), the
 * builder gives the narrowest pattern: the resource's name, then `/*` for the id. Formats:
 * the AWS Service Authorization Reference, "Resource types defined by <service>".
 */

/** Where a resource lives: an EncryptionKey carries all three. */
export interface ArnScope {
  /** `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
  /** 12 digits (or a token read from a key's ARN when the environment names no account). */
  readonly accountId: string;
  /** Region code. */
  readonly region: string;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; `region: ''` for global services (IAM). */
export function arn(scope: ArnScope, service: string, resource: string, region: string = scope.region): string {
  return `arn:${scope.partition}:${service}:${region}:${scope.accountId}:${resource}`;
}

/** An IAM role of the default path `/`. */
export const roleArn = (scope: ArnScope, name: string): string => arn(scope, 'iam', `role/${name}`, '');

/** A CloudWatch Logs log group, as the provider's `arn` attribute gives it (no `:*` suffix). */
export const logGroupArn = (scope: ArnScope, name: string): string => arn(scope, 'logs', `log-group:${name}`);

/** An SNS topic. */
export const topicArn = (scope: ArnScope, name: string): string => arn(scope, 'sns', name);

/** An OpenSearch Service domain. */
export const searchDomainArn = (scope: ArnScope, name: string): string => arn(scope, 'es', `domain/${name}`);

/** An ElastiCache replication group, by its id. */
export const replicationGroupArn = (scope: ArnScope, id: string): string => arn(scope, 'elasticache', `replicationgroup:${id}`);

/** An ElastiCache RBAC user, by its user id. */
export const cacheUserArn = (scope: ArnScope, userId: string): string => arn(scope, 'elasticache', `user:${userId}`);

/** A Secrets Manager secret: the service appends `-` and 6 random characters to the name. */
export const secretArn = (scope: ArnScope, name: string): string => arn(scope, 'secretsmanager', `secret:${name}-??????`);

/** An MSK cluster: `cluster/<name>/<uuid>`, the UUID generated at creation, so `/*` stands for it. */
export const kafkaClusterArn = (scope: ArnScope, name: string): string => arn(scope, 'kafka', `cluster/${name}/*`);

/** An EKS managed node group: `nodegroup/<cluster>/<name>/<uuid>`, the UUID generated at creation, so `/*` stands for it. */
export const nodeGroupArn = (scope: ArnScope, clusterName: string, name: string): string => arn(scope, 'eks', `nodegroup/${clusterName}/${name}/*`);

/** An RDS DB instance, by its identifier (RDS keeps identifiers in lower case). */
export const dbInstanceArn = (scope: ArnScope, identifier: string): string => arn(scope, 'rds', `db:${identifier.toLowerCase()}`);

/** An RDS (Aurora) DB cluster, by its identifier (RDS keeps identifiers in lower case). */
export const dbClusterArn = (scope: ArnScope, identifier: string): string => arn(scope, 'rds', `cluster:${identifier.toLowerCase()}`);

/**
 * A secret another AWS service creates and names, granted in an IAM policy by a pattern of its
 * name narrowed to the one secret by a tag that service sets on it (`aws:` tags are reserved:
 * nobody else can set them). See `dataStoreAccessPolicy` (constructs/aws/service-identity.ts).
 */
export interface ServiceManagedSecret {
  /** Statement id of the grant, the same for every secret of its kind (letters and digits). */
  readonly sid: string;
  /** ARN pattern of the secret's name, known at plan time. */
  readonly arnPattern: string;
  /** The condition key of the tag, `secretsmanager:ResourceTag/<key>`. */
  readonly conditionKey: string;
  /** The tag's value on this secret. */
  readonly tagValue: string;
}

/**
 * The master user secret RDS creates for a DB instance with `manage_master_user_password`: RDS
 * names it `rds!db-<uuid>` (the suffix generated), so its ARN is unknown until it exists, and tags
 * it `aws:rds:primaryDBInstanceArn` with the instance's ARN, which its fixed identifier gives at
 * plan time (the AWS managed policy AmazonRDSServiceRolePolicy, statement SecretsManagerTags).
 */
export const dbInstanceMasterSecret = (scope: ArnScope, identifier: string): ServiceManagedSecret => ({
  sid: 'ReadDbInstanceMasterSecrets',
  arnPattern: arn(scope, 'secretsmanager', 'secret:rds!db-*'),
  conditionKey: 'secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn',
  tagValue: dbInstanceArn(scope, identifier),
});

/** The master user secret RDS creates for an Aurora DB cluster: `rds!cluster-<uuid>`, tagged `aws:rds:primaryDBClusterArn`. */
export const dbClusterMasterSecret = (scope: ArnScope, identifier: string): ServiceManagedSecret => ({
  sid: 'ReadDbClusterMasterSecrets',
  arnPattern: arn(scope, 'secretsmanager', 'secret:rds!cluster-*'),
  conditionKey: 'secretsmanager:ResourceTag/aws:rds:primaryDBClusterArn',
  tagValue: dbClusterArn(scope, identifier),
});
