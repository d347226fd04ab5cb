/**
 * A CockroachDB Cloud cluster as one region sees it: the Secrets Manager secret its connection
 * string goes in. The cluster itself is created by the team in CockroachDB Cloud (no provider for
 * it is in the offline mirror, and its SQL password would otherwise sit in the Terraform state),
 * so Terraform creates the secret and never a version: the operator puts the connection string
 * with `aws secretsmanager put-secret-value` (docs/cockroachdb.md, "Managed"). Tags carry the
 * plan, so the cost estimate and the guardrails read what runs from the synthesized JSON.
 */
import { Construct } from 'constructs';
import type { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { CockroachCloudPlan } from '../../config/cockroach-hosting';
import { DeployerSecret } from '../aws/deployer-secret';
import { EncryptionKey } from '../aws/encryption-key';
import { checkProps } from '../shared/validation';
import { COCKROACH_NODES_TAG, COCKROACH_PLAN_TAG, COCKROACH_RU_TAG, MANAGED_COCKROACH, MANAGED_SERVICE_TAG } from './managed-cluster-tags';

/** Props of ManagedClusterConnection. */
export interface ManagedClusterConnectionProps {
  /** `<env>-<region>`: the secret is `<prefix>/cockroachdb-cloud/connection-string`. */
  readonly namePrefix: string;
  readonly encryptionKey: EncryptionKey;
  readonly plan: CockroachCloudPlan;
  /** Serverless: request units a query costs, for the estimate. */
  readonly requestUnitsPerQuery: number;
  /** Dedicated: nodes in this region. @default none (serverless) */
  readonly nodesPerRegion?: number;
}

/** The region's connection-string secret of a CockroachDB Cloud cluster. */
export class ManagedClusterConnection extends Construct {
  readonly secret: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: ManagedClusterConnectionProps) {
    super(scope, id);
    checkProps(this, [
      { failed: !(props.requestUnitsPerQuery > 0), message: `requestUnitsPerQuery: must be above 0; received ${props.requestUnitsPerQuery}` },
      {
        failed: props.plan === 'dedicated' && !(Number.isInteger(props.nodesPerRegion) && (props.nodesPerRegion ?? 0) >= 3),
        message: `nodesPerRegion: a dedicated cluster needs at least 3 nodes per region; received ${String(props.nodesPerRegion)}`,
      },
    ]);
    const connection = new DeployerSecret(this, 'connection-string', {
      name: `${props.namePrefix}/cockroachdb-cloud/connection-string`,
      description: `Connection string of the CockroachDB Cloud ${props.plan} cluster for ${props.namePrefix} (postgresql://<user>:<password>@<host>:26257/<db>?sslmode=verify-full); put it with aws secretsmanager put-secret-value`,
      encryptionKey: props.encryptionKey,
    });
    this.secret = connection.secret;
    this.secret.tags = {
      [MANAGED_SERVICE_TAG]: MANAGED_COCKROACH,
      [COCKROACH_PLAN_TAG]: props.plan,
      ...(props.plan === 'serverless' ? { [COCKROACH_RU_TAG]: String(props.requestUnitsPerQuery) } : { [COCKROACH_NODES_TAG]: String(props.nodesPerRegion) }),
    };
  }
}
