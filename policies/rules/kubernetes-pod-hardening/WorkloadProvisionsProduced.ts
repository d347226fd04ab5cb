/**
 * A workload whose credential names something a Job makes in a data store (its PostgreSQL user,
 * its RabbitMQ user and exchanges, its Kafka topics, its OpenSearch role) starts only once that
 * Job has finished: it depends on the Job (`depends_on`), terraform waits for the Job to complete
 * (`wait_for_completion`), and for longer than the Job can run (`timeouts` beyond its
 * `activeDeadlineSeconds`), so an apply neither reports success before the users and topics exist
 * nor gives up while the Job still runs. Or the workload declares it made outside its stack; when
 * another stack of the environment makes it (the primary region's `database-users` Job, for a
 * standby region's services), the stack is deployed after that one (manifest.json's
 * `dependencies`, where the synthesis was read with its manifest). The
 * issue 15 review found every Deployment on growth created at once with the `rabbitmq-users` and
 * `database-users` Jobs, and on hyperscale and massive with `kafka-topics` (MSK creates no topic
 * on its own): pods crash-looped until their user or topic existed. The needs and the Jobs are
 * read as the apps stack writes them (synthesis/kubernetes-provisions.ts), the same idea as
 * SC-K8S-8 for Secrets.
 */
import { manifestsOf, ManifestView } from '../../../synthesis/kubernetes-objects';
import { externalProvisions, neededProvisions, providedProvisions } from '../../../synthesis/kubernetes-provisions';
import { SecretAwareObject } from '../../../synthesis/kubernetes-secrets';
import { asBoolean, asStrings, read, record } from '../../../synthesis/values';
import { StackOutcome, StackRule, StackView } from '../../types';
import { deployedAfter } from '../helpers';

/** The provider's default create and update timeout of kubernetes_job_v1. */
const PROVIDER_DEFAULT_SECONDS = 60;

/** Seconds of a terraform duration (`40m`, `2400s`, `1h10m`), or undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, h, m, s] = match;
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

/** Why terraform's wait for `job` does not cover its run, or undefined when it does. */
function waitProblem(job: ManifestView): { problem?: string; unknown?: string } {
  const values = job.resource.values;
  const address = job.resource.address;
  const wait = read(values, 'wait_for_completion');
  if (wait.kind === 'expression') return { unknown: `${address}.wait_for_completion is the expression "${wait.expression}"` };
  if (wait.kind !== 'value' || asBoolean(wait.value) !== true)
    return {
      problem: `terraform does not wait for ${address} to complete (wait_for_completion), so depends_on orders the workload after the Job is created, not after it has run`,
    };
  const deadline = record(job.manifest.spec)?.activeDeadlineSeconds;
  if (typeof deadline !== 'number')
    return { problem: `${address} has no deadline (activeDeadlineSeconds): its worst case has no bound, so no wait for it is long enough` };
  for (const operation of ['create', 'update']) {
    const timeout = read(values, `timeouts.${operation}`);
    if (timeout.kind === 'expression') return { unknown: `${address}.timeouts.${operation} is the expression "${timeout.expression}"` };
    const seconds = timeout.kind === 'value' ? durationSeconds(String(timeout.value)) : PROVIDER_DEFAULT_SECONDS;
    if (seconds === undefined) return { unknown: `${address}.timeouts.${operation} is "${String((timeout as { value: unknown }).value)}", not a duration` };
    if (seconds <= deadline)
      return {
        problem: `terraform waits ${seconds} s to ${operation} ${address} (timeouts.${operation}), not longer than the Job may run (activeDeadlineSeconds ${deadline}): the apply fails while the Job still runs`,
      };
  }
  return {};
}

/** Why an external `needed` is not ordered: another stack of the environment makes it, and this one is not deployed after it. */
function externalOrderProblem(stack: StackView, needed: string, before: readonly StackView[] | undefined): string | undefined {
  if (before === undefined) return undefined;
  const makers = stack
    .environmentStacks()
    .filter((s) => s.name !== stack.name && manifestsOf(s).some((o) => providedProvisions(o.manifest as unknown as SecretAwareObject).includes(needed)));
  if (makers.length === 0 || makers.some((m) => before.includes(m))) return undefined;
  return `${needed} is declared made outside the stack and ${makers.map((m) => m.name).join(', ')} makes it, but ${stack.name} is not deployed after it (no cdktf stack dependency): its pods may start before it exists`;
}

export const WorkloadProvisionsProduced: StackRule = {
  id: 'SC-K8S-9',
  name: 'WorkloadProvisionsProduced',
  family: 'kubernetes-pod-hardening',
  scope: 'stack',
  description:
    'A workload whose credential names a database user, broker user, exchange, topic or search role depends on the Job (annotated stagecraft.io/provisions) that makes it, waited for to completion for longer than its deadline, or declares it made elsewhere (stagecraft.io/external-provisions), and then is deployed after the stack of its environment that makes it.',
  evaluate(stack) {
    const objects = manifestsOf(stack);
    const producers = new Map<string, ManifestView[]>();
    for (const o of objects)
      for (const made of providedProvisions(o.manifest as unknown as SecretAwareObject)) producers.set(made, [...(producers.get(made) ?? []), o]);
    const outcomes: StackOutcome[] = [];
    const before = deployedAfter(stack);
    for (const o of objects) {
      const object = o.manifest as unknown as SecretAwareObject;
      const { needs, unresolved } = neededProvisions(object);
      if (needs.length === 0 && unresolved.length === 0) continue;
      const where = `${o.kind} ${o.namespace ?? 'default'}/${o.name}`;
      const external = new Set(externalProvisions(object));
      const dependsOn = new Set(asStrings(o.resource.values.depends_on));
      const problems: string[] = [];
      const unknown = unresolved.map((name) => `its ${name} is a terraform expression, so what it needs made cannot be read`);
      for (const needed of needs) {
        if (external.has(needed)) {
          const unordered = externalOrderProblem(stack, needed, before);
          if (unordered) problems.push(unordered);
          continue;
        }
        const made = (producers.get(needed) ?? []).filter((p) => p !== o);
        if (made.length === 0) {
          problems.push(
            `${needed} has no Job in the stack that makes it (annotated stagecraft.io/provisions) and is not declared in stagecraft.io/external-provisions`,
          );
          continue;
        }
        const after = made.filter((p) => dependsOn.has(p.resource.address));
        if (after.length === 0) {
          problems.push(
            `${needed} is made by ${made.map((p) => p.resource.address).join(', ')}, which the workload does not depend on: its pods may start before it exists`,
          );
          continue;
        }
        const waits = after.map(waitProblem);
        if (waits.some((w) => !w.problem && !w.unknown)) continue;
        const problem = waits.find((w) => w.problem)?.problem;
        if (problem) problems.push(`${needed}: ${problem}`);
        else unknown.push(...waits.flatMap((w) => (w.unknown ? [w.unknown] : [])));
      }
      const address = o.resource.address;
      if (problems.length > 0) outcomes.push({ status: 'non-compliant', address, message: `${where}: ${problems.join('; ')}` });
      else if (unknown.length > 0) outcomes.push({ status: 'could-not-evaluate', address, message: `${where}: ${[...new Set(unknown)].join('; ')}` });
      else outcomes.push({ status: 'compliant', address });
    }
    return outcomes.length > 0 ? outcomes : [{ status: 'not-applicable', reason: 'no workload names a user, topic or role a Job makes' }];
  },
};
