/**
 * The init containers that read secrets give up with a line naming the secret (the global-db
 * review: a standby's replica that never arrived showed only as a rollout timeout after 15 min).
 * Both scripts run in /bin/sh with an `aws` stand-in that finds no secret, as the CLI does for a
 * replica that does not exist yet.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userlistScript } from '../../../services/kubernetes/pooler';
import { APP_SECRETS_DIR, fetchSecretsScript } from '../../../services/kubernetes/app-secrets';
import { SECRET_WAIT } from '../../../services/kubernetes/secret-wait';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:collab-prod/us-east-1/postgres-api-AbCdEf';

describe('init containers that wait for a secret', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'secret-wait-'));
    writeFileSync(
      join(dir, 'aws'),
      '#!/bin/sh\necho "An error occurred (ResourceNotFoundException): Secrets Manager can\'t find the specified secret." >&2\nexit 254\n',
    );
    chmodSync(join(dir, 'aws'), 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (script: string, env: Record<string, string>) =>
    spawnSync('/bin/sh', ['-c', script], { env: { PATH: `${dir}:${process.env.PATH}`, ...env }, encoding: 'utf8' });

  it('gives up before terraform waits out the rollout (15 min)', () => {
    expect(SECRET_WAIT.attempts * SECRET_WAIT.intervalSeconds).toBeLessThan(15 * 60);
  });

  it("PgBouncer's userlist: names the user and the secret, tries the given number of times, then fails", () => {
    const result = run(userlistScript(1, join(dir, 'userlist.txt'), { attempts: 3, intervalSeconds: 0 }), { USER_0: 'api', SECRET_ID_0: ARN });
    expect(result.status).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      `waiting for the password of api (${ARN}); try 1 of 3, again in 0 s`,
      `waiting for the password of api (${ARN}); try 2 of 3, again in 0 s`,
    ]);
    expect(result.stderr).toContain("Secrets Manager can't find the specified secret.");
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `gave up after 3 tries: the password of api (${ARN}) cannot be read; in a standby region it is the primary region's replica`,
    );
  });

  it("a service's fetch-secrets: names the secret and its ARN, then fails", () => {
    const result = run(fetchSecretsScript(['DATABASE_PASSWORD_SECRET'], { attempts: 2, intervalSeconds: 0 }).split(APP_SECRETS_DIR).join(dir), {
      SECRET_ARN_0: ARN,
    });
    expect(result.status).toBe(1);
    expect(result.stdout.trim()).toBe(
      `DATABASE_PASSWORD_SECRET (${ARN}) has no value yet: put it in Secrets Manager (stagecraft readiness lists it); try 1 of 2, again in 0 s`,
    );
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `gave up after 2 tries: DATABASE_PASSWORD_SECRET (${ARN}) cannot be read; put its value in Secrets Manager (stagecraft readiness lists it)`,
    );
  });

  it('reads a secret that is there at the first try', () => {
    writeFileSync(join(dir, 'aws'), '#!/bin/sh\necho s3cret\n');
    execFileSync('/bin/sh', ['-c', userlistScript(1, join(dir, 'userlist.txt'))], {
      env: { PATH: `${dir}:${process.env.PATH}`, USER_0: 'api', SECRET_ID_0: ARN },
    });
    expect(execFileSync('cat', [join(dir, 'userlist.txt')], { encoding: 'utf8' })).toBe('"api" "s3cret"\n');
  });
});
