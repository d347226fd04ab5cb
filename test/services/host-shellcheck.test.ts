/**
 * Every shell script Stagecraft generates for single-host stages, read by ShellCheck (Debian's
 * `shellcheck`, installed by .ci/run) as the POSIX sh that runs it: the release script, each host
 * stage's synthesized secret script, the one-shot database-users command and State Manager's
 * command. Their behaviour is tested by running them (host-release.test.ts,
 * host-database-users.test.ts); this catches the quoting and portability mistakes those runs miss.
 */
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { synthesizeExamples } from '../helpers/examples';
import { releaseFile } from '../helpers/host-user-data';
import { RELEASE_COMPOSE_FILE, RELEASE_SCRIPT, releaseApplyCommands, releaseScript } from '../../services/host-release';
import { FETCH_SECRETS_SCRIPT } from '../../services/host-fetch-secrets';
import { DATABASE_USERS_SERVICE } from '../../services/host-database-users';

const HOST_STACKS = ['acme-launch-us-east-1', 'acme-traction-eu-west-1'];

/** The script as the host gets it: Terraform has put each reference's value (an ARN, an address) in place. */
const resolved = (script: string) => script.replace(/\$\{[a-z_]+\.[^}]+\}/g, 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:acme/x-AbCdEf');

/** ShellCheck's findings on `script` as POSIX sh (empty when there are none). */
function shellcheck(script: string): string {
  const result = spawnSync('shellcheck', ['--shell=sh', '--format=gcc', '-'], { input: script, encoding: 'utf8' });
  if (result.error) throw new Error(`shellcheck is not installed (apt-get install shellcheck): ${result.error.message}`);
  return `${result.stdout}${result.stderr}`;
}

describe('ShellCheck finds nothing in the scripts the hosts run', () => {
  it('the release script', () => {
    expect(shellcheck(releaseScript())).toBe('');
  });

  it("State Manager's command", () => {
    // As Terraform resolves the pins: an object version id and a SHA-256.
    const pin = (name: string) => ({ name, version: 'Xq3n0.Yb_Zk9pLm2wRt7uVs4cDe1fGh', sha256: 'a'.repeat(64) });
    const commands = releaseApplyCommands({ bucket: 'b', prefix: 'release', region: 'eu-west-1' }, pin(RELEASE_SCRIPT), [pin(RELEASE_COMPOSE_FILE)]);
    expect(shellcheck(`#!/bin/sh\n${commands.join('\n')}\n`)).toBe('');
  });

  it.each(HOST_STACKS)('%s: the secret script and the database-users command', (stack) => {
    const examples = synthesizeExamples();
    expect(shellcheck(resolved(releaseFile(examples, stack, FETCH_SECRETS_SCRIPT)))).toBe('');
    const compose = parse(releaseFile(examples, stack, RELEASE_COMPOSE_FILE)) as { services: Record<string, { command: string[] }> };
    // Compose's `$$` is the shell's `$`.
    const command = compose.services[DATABASE_USERS_SERVICE].command[2].replace(/\$\$/g, '$');
    expect(shellcheck(`#!/bin/sh\n${command}\n`)).toBe('');
  });
});
