/**
 * The PostgreSQL user a service logs in as on a cluster stage's RDS or Aurora (issue 14, item 4).
 * Its IAM grant names every database of the account and region: `*` in place of the database's
 * resource id in `…:dbuser:<resource id>/<user>` (the RDS User Guide, "Creating and using an IAM
 * policy for IAM database access", documents that pattern), so the policy is known at plan time
 * instead of waiting for the DbiResourceId RDS generates. Such a grant is only as narrow as the
 * user name is unique, so the name carries the environment: a second environment in the same
 * account and region with a service of the same name gets another user. Here, in config/, because
 * the stacks build it and guardrail SC-REQ-3 checks it.
 */
import { createHash } from 'node:crypto';

/** PostgreSQL's identifier limit (NAMEDATALEN − 1), in bytes. */
export const DATABASE_USER_MAX_BYTES = 63;
/** Hex characters of the hash a shortened or rewritten name ends with. */
const HASH_LENGTH = 8;
/** Between the environment's and the service's part: neither part holds two underscores in a row. */
const SEPARATOR = '__';
/** Before the hash: a name written exactly never holds three underscores in a row, so the two kinds cannot meet. */
const HASH_SEPARATOR = '___';
/** A name that maps to itself with `-` as `_`: lower-case letters and digits, single dashes inside, a letter first. */
const EXACT = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * `<environment>__<service>` with each dash an underscore (`acme-growth`, `delivery-worker` →
 * `acme_growth__delivery_worker`): lower case, letters, digits and underscores only, so PostgreSQL
 * takes it unquoted and an IAM ARN needs no escape (no `*`, `?`, `$` or `/`). The double
 * underscore keeps `acme-staging`/`api` apart from `acme`/`staging-api`. A name longer than 63
 * bytes, or one whose text maps to it with a loss (upper case, dots, quotes, two dashes in a row),
 * is cut to 52 characters and ends with `___` and 8 hex characters of a hash of both names, so it
 * stays unique (a name written exactly never holds `___`).
 */
export function databaseUserName(environment: string, service: string): string {
  const part = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '_');
  const readable = `${part(environment)}${SEPARATOR}${part(service)}`;
  if (EXACT.test(environment) && EXACT.test(service) && readable.length <= DATABASE_USER_MAX_BYTES) return readable;
  const hash = createHash('sha256')
    .update(JSON.stringify([environment, service]))
    .digest('hex')
    .slice(0, HASH_LENGTH);
  // A letter or an underscore first, as an unquoted identifier needs.
  const start = /^[a-z_]/.test(readable) ? readable : `_${readable}`;
  const prefix = start.slice(0, DATABASE_USER_MAX_BYTES - HASH_SEPARATOR.length - HASH_LENGTH).replace(/_+$/, '');
  return `${prefix}${HASH_SEPARATOR}${hash}`;
}
