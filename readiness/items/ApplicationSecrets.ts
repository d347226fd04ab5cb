/**
 * Issue 18: application secrets (`secrets:` of a service) are created without a value, and the
 * services wait for them at start (an init container on clusters, the host's fetch script on
 * hosts). The stacks cannot hold the values, so this lists every secret the operator still has to
 * put, per region, with the command, before the services can start. A secret the deploy itself
 * writes (a secret version in the stack: the R2 writer token, docs/credentials.md) is not listed.
 */
import { APPLICATION_SECRET_TAG } from '../../stacks/application-secret-tag';
import { regionalStacks, tagOf } from '../lookups';
import { notApplicable, notInfrastructure, ReadinessItem } from '../types';

export const ApplicationSecrets: ReadinessItem = {
  id: 'RDY-17',
  name: 'ApplicationSecrets',
  section: 'resilience',
  title: 'Application secrets have their values, so the services can start',
  evaluate(environment) {
    const secrets = regionalStacks(environment).flatMap((stack) =>
      stack
        .resources('aws_secretsmanager_secret')
        .filter((secret) => tagOf(secret, APPLICATION_SECRET_TAG) !== undefined)
        // A secret the deploy writes (the R2 writer token, from the deployer's variable) needs no hand.
        .filter((secret) => stack.referencing('aws_secretsmanager_secret_version', 'secret_id', secret).length === 0)
        .map((secret) => ({ region: stack.region ?? '?', name: String(secret.values.name ?? secret.address) })),
    );
    if (secrets.length === 0) return notApplicable('no service declares application secrets');
    const listed = secrets.map((s) => `${s.name} (${s.region})`).join(', ');
    return notInfrastructure(
      `put the value of each application secret before its services start (they wait for it): ${listed}; e.g. \`aws secretsmanager put-secret-value --region ${secrets[0].region} --secret-id ${secrets[0].name} --secret-string file://value.txt\``,
    );
  },
};
