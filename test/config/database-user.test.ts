/**
 * The PostgreSQL user of a service on a cluster stage (config/database-user.ts): unique to the
 * environment, since its IAM grant names every database of the account and region; a name
 * PostgreSQL takes unquoted and an IAM ARN takes without escaping, at most 63 bytes.
 */
import { DATABASE_USER_MAX_BYTES, databaseUserName } from '../../config/database-user';
import { SERVICE_NAME_PATTERN } from '../../config/service-schema';

/** An unquoted PostgreSQL identifier that folds to itself, and an ARN resource segment without wildcards, variables or separators. */
const PLAIN = /^[a-z_][a-z0-9_]*$/;
const bytes = (name: string) => Buffer.byteLength(name, 'utf8');

describe('databaseUserName', () => {
  it('is <environment>__<service> with dashes as underscores', () => {
    expect(databaseUserName('acme-growth', 'api')).toBe('acme_growth__api');
    expect(databaseUserName('acme-growth', 'delivery-worker')).toBe('acme_growth__delivery_worker');
  });

  it('keeps apart names that a single underscore would join alike', () => {
    expect(databaseUserName('acme-staging', 'api')).not.toBe(databaseUserName('acme', 'staging-api'));
    expect(databaseUserName('acme-staging', 'api')).toBe('acme_staging__api');
    expect(databaseUserName('acme', 'staging-api')).toBe('acme__staging_api');
  });

  it('gives the same service another user in another environment', () => {
    expect(databaseUserName('acme-prod', 'api')).not.toBe(databaseUserName('acme-stage', 'api'));
  });

  it('cuts a name over 63 bytes and ends it with a hash, so the longest names stay distinct', () => {
    const environment = `a${'b'.repeat(22)}c`; // the longest environment name (24)
    const services = [`s${'x'.repeat(38)}1`, `s${'x'.repeat(38)}2`, `t${'x'.repeat(39)}`]; // the longest service names (40)
    for (const service of services) expect(service).toMatch(SERVICE_NAME_PATTERN);
    const names = services.map((service) => databaseUserName(environment, service));
    for (const name of names) {
      expect(bytes(name)).toBeLessThanOrEqual(DATABASE_USER_MAX_BYTES);
      expect(name).toMatch(PLAIN);
      expect(name).toMatch(/^abbb[a-z0-9_]*___[0-9a-f]{8}$/);
    }
    expect(new Set(names).size).toBe(names.length);
    // The same names give the same user every time (the policy and the Job must agree).
    expect(databaseUserName(environment, services[0])).toBe(names[0]);
  });

  it('keeps a name exactly at 63 bytes as it is', () => {
    const environment = 'e'.repeat(21);
    const service = `s${'v'.repeat(39)}`;
    const name = databaseUserName(environment, service);
    expect(bytes(name)).toBe(DATABASE_USER_MAX_BYTES);
    expect(name).toBe(`${environment}__${service}`);
  });

  it('turns text that would need quoting or escaping into plain characters, and marks it with a hash so it cannot meet an exact name', () => {
    const hostile = [
      ['Acme.Prod', `o'brien"; DROP ROLE rds_iam; --`],
      ['acme-prod', 'o-brien-drop-role-rds-iam'],
      ['acme', 'api/*'],
      ['acme', '${aws_db_instance.db.resource_id}'],
      ['acme', 'ápi'],
      ['acme--prod', 'api'],
      ['ACME-PROD', 'API'],
      ['acme-prod', 'api'],
      ['9lives', 'api'],
    ] as const;
    const names = hostile.map(([environment, service]) => databaseUserName(environment, service));
    for (const name of names) {
      expect(name).toMatch(PLAIN);
      expect(bytes(name)).toBeLessThanOrEqual(DATABASE_USER_MAX_BYTES);
    }
    expect(new Set(names).size).toBe(names.length);
    // Exact names (lower case, single dashes) have no triple underscore; every rewritten one ends with one and a hash.
    expect(names.filter((name) => /___[0-9a-f]{8}$/.test(name))).toEqual(names.filter((_, i) => ![1, 7].includes(i)));
    expect(names[7]).toBe('acme_prod__api');
  });
});
