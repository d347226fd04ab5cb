/**
 * The tag that marks an application secret (stacks/application-secrets.ts writes it; `stagecraft
 * readiness` lists secrets by it). On its own so that readiness does not load the stacks, cdktf and
 * the provider classes with it.
 */

/** The tag that marks an application secret, valued `<service>/<NAME>`; readiness lists secrets by it. */
export const APPLICATION_SECRET_TAG = 'stagecraft:application-secret';
