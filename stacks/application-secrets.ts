/**
 * The product services' application secrets in one region (`secrets:` in their definitions,
 * issue 18): one Secrets Manager secret per service and name, `<env>/<service>/<NAME>`, created
 * without a value (constructs/aws/deployer-secret.ts: no secret version, so no value in the JSON
 * or the state). The operator puts each value; `stagecraft readiness` lists them by their tag.
 * The service's identity (its Pod Identity role on clusters, the host's role on hosts) may read
 * exactly its own secrets.
 *
 * The R2 writer credential (config/r2-buckets.ts) is one more such secret, `<env>/r2-writer`, one
 * per region and shared: each service that writes an R2 bucket has it as its secret `R2_WRITER`.
 * Its value comes with the deploy, from the deployer's `TF_VAR_r2_writer_token_<region>`, through
 * a write-only attribute (constructs/aws/deploy-time-secret-value.ts): the services that wait for
 * it find it filled by the same deploy, and it is never in the state (docs/credentials.md).
 *
 * Created once per regional stack, on first use, by whichever builds the services' identities
 * (stacks/service-identities.ts on clusters, stacks/host-services.ts on hosts); the apps stack
 * reads the same ARNs.
 */
import { R2_WRITER_SECRET, R2_WRITER_TAG, withR2Writer } from '../config/r2-buckets';
import { DeployerSecret } from '../constructs/aws/deployer-secret';
import { DeployTimeSecretValue } from '../constructs/aws/deploy-time-secret-value';
import { RegionalStack } from './regional-stack';
import { VALUE_FROM_OPERATOR, VALUE_FROM_TAG } from '../policies/rules/preflight/WaitedSecretWrittenByDeploy';
import { APPLICATION_SECRET_TAG } from './application-secret-tag';

export { APPLICATION_SECRET_TAG };

/** Secret name → ARN, per service. */
export type ApplicationSecretArns = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** A stack's secrets: their ARNs by service and name, and the same secrets' ARNs for IAM policies (built from their names: known at plan time). */
interface CreatedSecrets {
  readonly arns: ApplicationSecretArns;
  readonly policyArns: ReadonlyMap<string, readonly string[]>;
}

const created = new WeakMap<RegionalStack, CreatedSecrets>();

/** The Secrets Manager name of a service's secret. */
export function applicationSecretName(environment: string, service: string, name: string): string {
  return `${environment}/${service}/${name}`;
}

/** The application secrets of every service of `stack`'s environment, created on first call. */
export function applicationSecrets(stack: RegionalStack): ApplicationSecretArns {
  return createdSecrets(stack).arns;
}

function createdSecrets(stack: RegionalStack): CreatedSecrets {
  const existing = created.get(stack);
  if (existing) return existing;
  const f = stack.foundation;
  const arns = new Map<string, Record<string, string>>();
  const policyArns = new Map<string, string[]>();
  let r2Writer: DeployerSecret | undefined;
  for (const service of f.environment.services.map((s) => withR2Writer(f.environment, s))) {
    if (service.secrets.length === 0) continue;
    const byName: Record<string, string> = {};
    for (const name of service.secrets) {
      if (name === R2_WRITER_SECRET) {
        r2Writer ??= r2WriterSecret(stack);
        byName[name] = r2Writer.secret.arn;
        policyArns.set(service.name, [...(policyArns.get(service.name) ?? []), r2Writer.policyArn]);
        continue;
      }
      const secret = new DeployerSecret(stack, `app-secret-${service.name}-${name.toLowerCase()}`, {
        name: applicationSecretName(f.environment.name, service.name, name),
        description: `${f.namePrefix}: ${name} of ${service.name}, put by the operator (docs/services.md)`,
        encryptionKey: f.encryptionKey,
        // Put by the operator between the regional and the apps deploy (readiness RDY-17), on purpose (SC-PRE-19).
        tags: { [APPLICATION_SECRET_TAG]: `${service.name}/${name}`, 'stagecraft:service': service.name, [VALUE_FROM_TAG]: VALUE_FROM_OPERATOR },
      });
      byName[name] = secret.secret.arn;
      policyArns.set(service.name, [...(policyArns.get(service.name) ?? []), secret.policyArn]);
    }
    arns.set(service.name, byName);
  }
  const secrets = { arns, policyArns };
  created.set(stack, secrets);
  return secrets;
}

/** The deployer's variable that carries the region's R2 writer token: `r2_writer_token_us_east_1`. */
export function r2WriterTokenVariable(region: string): string {
  return `r2_writer_token_${region.replace(/-/g, '_')}`;
}

/** The region's R2 writer secret, written at deploy from the deployer's ephemeral variable. */
function r2WriterSecret(stack: RegionalStack): DeployerSecret {
  const f = stack.foundation;
  const variable = r2WriterTokenVariable(f.region.code);
  const secret = new DeployerSecret(stack, 'r2-writer-secret', {
    name: `${f.environment.name}/r2-writer`,
    description: `${f.namePrefix}: R2 writer token {endpoint, accessKeyId, secretAccessKey}, bucket-scoped Object Read & Write, written at deploy from TF_VAR_${variable} (docs/credentials.md)`,
    encryptionKey: f.encryptionKey,
    tags: { [APPLICATION_SECRET_TAG]: R2_WRITER_SECRET, [R2_WRITER_TAG]: 'true' },
  });
  new DeployTimeSecretValue(stack, 'r2-writer-token', {
    secret: secret.secret,
    variableName: variable,
    description: `The R2 writer token of ${f.namePrefix}: the JSON {endpoint, accessKeyId, secretAccessKey} of a bucket-scoped R2 API token (Object Read & Write on the environment's R2 buckets); set TF_VAR_${variable} (docs/credentials.md)`,
    jsonKeys: ['endpoint', 'accessKeyId', 'secretAccessKey'],
    offlineValue: JSON.stringify({ endpoint: 'https://offline.r2.cloudflarestorage.invalid', accessKeyId: 'offline', secretAccessKey: 'offline' }),
  });
  return secret;
}

/** Every application secret ARN of `services` in `stack`, for IAM policies (known at plan time). */
export function applicationSecretArnsOf(stack: RegionalStack, services: readonly string[]): string[] {
  const arns = createdSecrets(stack).policyArns;
  // Services that write R2 share the region's one R2 writer secret: each ARN once.
  return [...new Set(services.flatMap((service) => arns.get(service) ?? []))];
}
