/**
 * How long the init containers that read a secret from Secrets Manager (a service's application
 * secrets, PgBouncer's userlist) wait for it: a bound, so a secret that never arrives (a standby
 * region's replica before the primary's stack is applied, a value nobody put) shows as a pod in
 * Init:Error with a line naming the secret, not as a rollout terraform gives up on with no cause.
 * Both init containers write the wait with `secretWaitLines`, each with its own messages.
 */

/** How long an init container waits for a secret it reads: `attempts` tries, `intervalSeconds` apart. */
export interface SecretWait {
  readonly attempts: number;
  readonly intervalSeconds: number;
}

/**
 * 40 tries 15 s apart: the init container gives up after 10 minutes, before terraform's wait for
 * the rollout (15 minutes) does, so the pod shows Init:Error with a line naming the secret
 * instead of an apply that times out with no cause. Kubernetes restarts it with back-off, so a
 * secret that arrives later is still read.
 */
export const SECRET_WAIT: SecretWait = { attempts: 40, intervalSeconds: 15 };

/** What a wait says while it waits, and when it gives up (shell text, inside double quotes). */
export interface SecretWaitMessages {
  /** Before `; try <n> of <attempts>, again in <interval> s`. */
  readonly waiting: string;
  /** After `gave up after <attempts> tries: `. */
  readonly gaveUp: string;
}

/**
 * The shell lines of one bounded wait: run `read` until it succeeds, saying `waiting` after each
 * failed try, and exit 1 with `gaveUp` on stderr after `wait.attempts` tries.
 */
export function secretWaitLines(read: string, say: SecretWaitMessages, wait: SecretWait = SECRET_WAIT): string[] {
  return [
    'n=0',
    `until ${read}; do`,
    '  n=$((n+1))',
    `  if [ "$n" -ge ${wait.attempts} ]; then echo "gave up after ${wait.attempts} tries: ${say.gaveUp}" >&2; exit 1; fi`,
    `  echo "${say.waiting}; try $n of ${wait.attempts}, again in ${wait.intervalSeconds} s"; sleep ${wait.intervalSeconds}`,
    'done',
  ];
}
