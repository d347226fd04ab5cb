/**
 * A Deployment whose init container waits for a Secrets Manager secret to have a value (the
 * services' `fetch-secrets` loop) starts only once something has put one. With
 * `wait_for_rollout` (the default of kubernetes_deployment_v1) terraform waits for the rollout
 * until the create timeout (15 min) and then fails the apply, so a secret that only an operator
 * fills by hand fails the first deploy unless they are quicker than the timeout (issue 15: the
 * R2 writer token, `<env>/r2-writer`). The secret must get its value from the deploy itself: a
 * secret version in its stack (`secret_string_wo` from an ephemeral variable keeps it out of the
 * state, SC-EAR-17). A secret whose value is left to the operator on purpose says so with the tag
 * `stagecraft:value-from = operator` (the services' own application secrets, which
 * `stagecraft readiness` lists to be put between the regional and the apps deploy, RDY-17).
 */
import { ResourceRule } from '../../types';
import { asBoolean, read, readAll, record } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';
import { podSpec } from '../helpers';
import { follow } from '../request-path/links';

const VALUE_ARGUMENTS = ['secret_string', 'secret_string_wo', 'secret_binary'];
/** The tag, and its value, of a secret whose value the operator puts by hand before the apps deploy. */
export const VALUE_FROM_TAG = 'stagecraft:value-from';
export const VALUE_FROM_OPERATOR = 'operator';

export const WaitedSecretWrittenByDeploy: ResourceRule = {
  id: 'SC-PRE-19',
  name: 'WaitedSecretWrittenByDeploy',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['kubernetes_deployment', 'kubernetes_deployment_v1'],
  description:
    "Every Secrets Manager secret a Deployment's init containers wait for, when terraform waits for the rollout, gets its value from the same deploy (a secret version in its stack), not from an operator's hand.",
  evaluate(deployment, stack) {
    if (asBoolean(read(deployment.values, 'wait_for_rollout').kind === 'value' ? deployment.values.wait_for_rollout : true) === false) {
      return notApplicable('terraform does not wait for the rollout');
    }
    const env = readAll(podSpec(deployment), 'init_container.env').flatMap((e) => (Array.isArray(e) ? e : [e]));
    const secrets = env
      .map((e) => follow(stack, (e as Record<string, unknown>)?.value))
      .filter((found) => found !== undefined && found.resource.type === 'aws_secretsmanager_secret');
    if (secrets.length === 0) return notApplicable('its init containers wait for no Secrets Manager secret');
    const unwritten = secrets.filter(
      (found) =>
        record(found!.resource.values.tags)?.[VALUE_FROM_TAG] !== VALUE_FROM_OPERATOR &&
        !found!.stack
          .referencing('aws_secretsmanager_secret_version', 'secret_id', found!.resource)
          .some((version) => VALUE_ARGUMENTS.some((argument) => read(version.values, argument).kind !== 'absent')),
    );
    if (unwritten.length === 0) return compliant();
    const names = unwritten.map((found) => `${found!.stack.name} ${found!.resource.address} (${String(found!.resource.values.name ?? '?')})`);
    return nonCompliant(
      `its init containers wait for ${names.join(', ')}, which no deploy gives a value: terraform waits for the rollout and fails the apply at the create timeout unless an operator puts it in time; ` +
        'write it in the deploy (secret_string_wo from an ephemeral variable) or stop waiting for the rollout',
    );
  },
};
