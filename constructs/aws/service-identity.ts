import { Construct } from 'constructs';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { DataStoreEndpoint } from '../shared/data-store-endpoints';
import { EksCluster } from './eks-cluster';
import { EncryptionKey } from './encryption-key';
import { serviceTrustPolicy } from './iam';

/** What a service may read and write: the secrets and buckets of its data stores. */
export interface DataStoreAccess {
  readonly stores: readonly DataStoreEndpoint[];
  /** Key the secrets and buckets are encrypted with. */
  readonly encryptionKey: EncryptionKey;
  /** Region of the stack, for the KMS `ViaService` condition. */
  readonly region: string;
  /**
   * Statements of the service's own credentials at its stores (rds-db:connect as its database
   * user, kafka-cluster actions on its topics, es:ESHttp* on the search domain). @default none
   */
  readonly credentialStatements?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** The service's own application secrets (stacks/application-secrets.ts), read like its stores' secrets. @default none */
  readonly applicationSecretArns?: readonly string[];
  /** Secrets of the service's own credentials (its broker password), read like the stores' secrets. @default none */
  readonly credentialSecretArns?: readonly string[];
}

/**
 * The IAM policy giving exactly `access`: GetSecretValue on the stores' secrets, object
 * read/write on their buckets, decryption through those two services only, the stores' own
 * grants (IAM authentication to Redis) and the statements of the service's own credentials.
 * Undefined when the stores need nothing.
 */
export function dataStoreAccessPolicy(access: DataStoreAccess): string | undefined {
  const secretArns = [...access.stores.flatMap((s) => s.secretArns), ...(access.applicationSecretArns ?? []), ...(access.credentialSecretArns ?? [])];
  const bucketArns = access.stores.flatMap((s) => s.bucketArns);
  const statements: Array<Record<string, unknown>> = [];
  const via: string[] = [];
  const managed = access.stores.flatMap((s) => s.managedSecrets ?? []);
  if (secretArns.length > 0) {
    statements.push({ Sid: 'ReadSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [...new Set(secretArns)] });
  }
  // A secret another service names: its name pattern, narrowed to the secrets whose tag names these resources.
  for (const sid of [...new Set(managed.map((m) => m.sid))]) {
    const kind = managed.filter((m) => m.sid === sid);
    statements.push({
      Sid: sid,
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [...new Set(kind.map((m) => m.arnPattern))],
      Condition: { StringEquals: { [kind[0].conditionKey]: [...new Set(kind.map((m) => m.tagValue))] } },
    });
  }
  if (secretArns.length > 0 || managed.length > 0) via.push(`secretsmanager.${access.region}.amazonaws.com`);
  if (bucketArns.length > 0) {
    statements.push({ Sid: 'ReadWriteObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: bucketArns });
    via.push(`s3.${access.region}.amazonaws.com`);
  }
  for (const grant of access.stores.flatMap((s) => s.iamGrants ?? [])) {
    statements.push({ Sid: grant.sid, Effect: 'Allow', Action: [...grant.actions], Resource: [...grant.resources] });
  }
  statements.push(...(access.credentialStatements ?? []));
  if (statements.length === 0) return undefined;
  if (via.length === 0) return JSON.stringify({ Version: '2012-10-17', Statement: statements });
  statements.push({
    Sid: 'DecryptThroughThoseServices',
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: access.encryptionKey.policyResource,
    Condition: { StringEquals: { 'kms:ViaService': via }, ...access.encryptionKey.aliasCondition },
  });
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Props of a ServiceIdentity. */
export interface ServiceIdentityProps extends DataStoreAccess {
  /** Role name, `<env>-<region>-<service>`. */
  readonly roleName: string;
  readonly cluster: EksCluster;
  readonly namespace: string;
  /** The ServiceAccount the pods run as (named after the service). */
  readonly serviceAccount: string;
}

/**
 * The AWS identity of one service's pods on EKS: an IAM role that may read exactly its data
 * stores' secrets and buckets and act as its own credential at each store (its database user,
 * its topics and group, the search domain), mapped to its ServiceAccount by EKS Pod Identity.
 * Pods receive the secrets' ARNs as environment variables and read the values at run time; no
 * secret value passes through Terraform or Kubernetes.
 */
export class ServiceIdentity extends Construct {
  readonly role: IamRole;
  readonly policy?: IamRolePolicy;
  readonly association: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: ServiceIdentityProps) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: serviceTrustPolicy('pods.eks.amazonaws.com', ['sts:TagSession']),
    });
    const policy = dataStoreAccessPolicy(props);
    if (policy) this.policy = new IamRolePolicy(this, 'data-stores', { role: this.role.id, policy });
    this.association = new EksPodIdentityAssociation(this, 'association', {
      clusterName: props.cluster.cluster.name,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.arn,
    });
  }
}
