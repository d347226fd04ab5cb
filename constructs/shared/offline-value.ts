/**
 * The metadata key under which a deploy-time variable carries its offline stand-in value
 * (constructs/aws/deploy-time-secret-value.ts writes it, terraform/offline.ts reads it). On its
 * own so that the offline engine, and with it every command, reads the key without loading
 * cdktf and the provider classes.
 */

/** Metadata key of a variable's offline stand-in value (terraform/offline.ts gives it to plans). */
export const OFFLINE_VALUE_KEY = 'stagecraft:offline-value';
