/**
 * The host's release script, run for real against a stand-in host: the launch stack's
 * synthesized release files in a directory standing in for the versioned bucket, and `aws`,
 * `docker`, `systemctl` and `cloud-init` on PATH as small scripts that serve objects by version
 * and record every call. State Manager's command (releaseApplyCommands) runs as the association
 * would, with the script's host paths moved to a temporary directory. What the stand-in cannot
 * check (a real registry, compose's health waits, IAM and KMS) is in docs/releases.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { synthesizeExamples } from '../helpers/examples';
import { releaseFile } from '../helpers/host-user-data';
import {
  RELEASE_COMPOSE_FILE,
  RELEASE_PROXY_FILE,
  RELEASE_SCRIPT,
  RELEASE_SCRIPT_PATH,
  ReleasePin,
  releaseApplyCommands,
  releaseFetchCommand,
  releaseScript,
} from '../../services/host-release';

const STACK = 'acme-launch-us-east-1';
const LOCATION = { bucket: 'acme-launch-us-east-1-releases-111122223333', prefix: 'release', region: 'us-east-1' };

let root: string;
let bucket: string;
let configDir: string;
let stateDir: string;
let calls: string;
let scriptPath: string;
let env: NodeJS.ProcessEnv;
let compose: string;
let proxy: string;
let versions = 0;

/** The stand-ins: each appends its arguments to the call log. */
const STANDINS: Record<string, string> = {
  // `aws s3api get-object --region R --bucket B --key K [--version-id V] OUT`: the object's version, or its latest.
  aws: `#!/bin/sh
echo "aws $*" >> "$CALLS"
key='' version='' out=''
while [ $# -gt 0 ]; do
  case "$1" in --key) key=$2; shift 2 ;; --version-id) version=$2; shift 2 ;; --region|--bucket) shift 2 ;; s3api|get-object) shift ;; *) out=$1; shift ;; esac
done
[ -n "$version" ] || version=$(cat "$BUCKET/$key.latest")
[ -f "$BUCKET/$key@$version" ] || { echo "NoSuchVersion: $key $version" >&2; exit 254; }
cp "$BUCKET/$key@$version" "$out"
`,
  // Records the call and the api image of the compose file it was given; fails \`up\` for a broken release.
  docker: `#!/bin/sh
file=''
prev=''
for a in "$@"; do [ "$prev" = -f ] && file=$a; prev=$a; done
image=$( [ -n "$file" ] && sed -n 's/^    image: \\(ghcr.io\\/acme\\/api:.*\\)$/\\1/p' "$file" | head -1 )
echo "docker $* [$image]" >> "$CALLS"
case "$*" in *" up "*) case "$image" in *:broken) exit 1 ;; esac ;; esac
exit 0
`,
  systemctl: `#!/bin/sh
echo "systemctl $*" >> "$CALLS"
case "$1" in is-active) [ "$UNIT_STATE" = active ] ;; is-failed) [ "$UNIT_STATE" = failed ] ;; *) exit 0 ;; esac
`,
  'cloud-init': `#!/bin/sh
echo "cloud-init $*" >> "$CALLS"
`,
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Puts a new version of an object in the stand-in bucket; returns its pin. */
function put(name: string, content: string): ReleasePin {
  const version = `v${++versions}`;
  writeFileSync(join(bucket, 'release', `${name}@${version}`), content);
  writeFileSync(join(bucket, 'release', `${name}.latest`), version);
  return { name, version, sha256: sha256(content) };
}

/** Runs State Manager's command for these pins; returns its exit code, output and the calls it made. */
function deliver(script: ReleasePin, pins: readonly ReleasePin[], unitState = 'active'): { status: number; output: string; calls: string[] } {
  writeFileSync(calls, '');
  const commands = releaseApplyCommands(LOCATION, script, pins).join('\n').split(RELEASE_SCRIPT_PATH).join(scriptPath);
  const result = spawnSync('sh', ['-c', commands], { env: { ...env, UNIT_STATE: unitState }, encoding: 'utf8' });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}`, calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean) };
}

const installed = (name: string) => readFileSync(join(configDir, name), 'utf8');
const previous = (name: string) => readFileSync(join(stateDir, 'previous', name), 'utf8');
const docker = (result: { calls: string[] }) => result.calls.filter((c) => c.startsWith('docker ')).map((c) => c.replace(/ -f \S+/, ' -f <file>'));
const bumped = (text: string, tag: string) => text.replace(/image: ghcr\.io\/acme\/api:[\w.-]+/, `image: ghcr.io/acme/api:${tag}`);

beforeAll(() => {
  const examples = synthesizeExamples();
  compose = releaseFile(examples, STACK, RELEASE_COMPOSE_FILE);
  proxy = releaseFile(examples, STACK, RELEASE_PROXY_FILE);
  expect(parse(compose).services.api.image).toBe('ghcr.io/acme/api:1.14.2');

  root = mkdtempSync(join(tmpdir(), 'stagecraft-release-'));
  bucket = join(root, 'bucket');
  configDir = join(root, 'etc');
  stateDir = join(root, 'state');
  calls = join(root, 'calls.log');
  scriptPath = join(root, 'sbin', RELEASE_SCRIPT);
  const bin = join(root, 'bin');
  for (const dir of [join(bucket, 'release'), bin, join(root, 'sbin')]) mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(STANDINS)) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  env = { PATH: `${bin}:/usr/bin:/bin`, CALLS: calls, BUCKET: bucket };
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the release script on a stand-in host', () => {
  let script: ReleasePin;
  let first: ReleasePin[];

  beforeAll(() => {
    script = put(RELEASE_SCRIPT, releaseScript({ configDir, stateDir }));
    first = [put(RELEASE_COMPOSE_FILE, compose), put(RELEASE_PROXY_FILE, proxy)];
  });

  it('holds no Terraform template syntax, so it reaches S3 and user_data byte for byte', () => {
    expect(releaseScript()).not.toMatch(/\$\{|%\{/);
  });

  it('installs the pinned script, verifies and applies the first release: validate, pull, up, reload the proxy', () => {
    const result = deliver(script, first);
    expect(result.status).toBe(0);
    expect(result.calls[0]).toBe('cloud-init status --wait');
    expect(readFileSync(scriptPath, 'utf8')).toBe(releaseScript({ configDir, stateDir }));
    expect(docker(result)).toEqual([
      'docker compose --project-name product -f <file> config --quiet [ghcr.io/acme/api:1.14.2]',
      'docker compose --project-name product -f <file> pull --quiet [ghcr.io/acme/api:1.14.2]',
      'docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:1.14.2]',
      'docker compose --project-name product -f <file> kill -s HUP proxy [ghcr.io/acme/api:1.14.2]',
    ]);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(compose);
    expect(installed(RELEASE_PROXY_FILE)).toBe(proxy);
    // Each object was fetched by its pinned version.
    expect(result.calls.filter((c) => c.startsWith('aws ')).map((c) => /--version-id (\S+)/.exec(c)?.[1])).toEqual([
      script.version,
      ...first.map((p) => p.version),
    ]);
  });

  it('changes nothing when the host already has the release (the schedule runs it again)', () => {
    const result = deliver(script, first);
    expect(result.status).toBe(0);
    expect(result.output).toContain('release already installed: compose.yaml nginx.conf');
    expect(docker(result)).toEqual([]);
  });

  it('applies an image bump: pulls the new image before swapping, keeps the installed file as the previous release, leaves the proxy alone', () => {
    const bump = [put(RELEASE_COMPOSE_FILE, bumped(compose, '1.15.0')), first[1]];
    const result = deliver(script, bump);
    expect(result.status).toBe(0);
    expect(result.output).toContain('changed: compose.yaml');
    expect(docker(result)).toEqual([
      'docker compose --project-name product -f <file> config --quiet [ghcr.io/acme/api:1.15.0]',
      'docker compose --project-name product -f <file> pull --quiet [ghcr.io/acme/api:1.15.0]',
      'docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:1.15.0]',
    ]);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.15.0'));
    expect(previous(RELEASE_COMPOSE_FILE)).toBe(compose);
  });

  it('refuses an object whose content is not the release it was pinned to, and changes nothing', () => {
    const tampered = put(RELEASE_COMPOSE_FILE, bumped(compose, '6.6.6'));
    const result = deliver(script, [{ ...tampered, sha256: sha256(bumped(compose, '1.16.0')) }, first[1]]);
    expect(result.status).toBe(1);
    expect(result.output).toContain(`compose.yaml: version ${tampered.version} does not have the release's SHA-256`);
    expect(docker(result)).toEqual([]);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.15.0'));
  });

  it('restores and brings up the previous release when the new one does not come up, and fails the run', () => {
    const broken = [put(RELEASE_COMPOSE_FILE, bumped(compose, 'broken')), first[1]];
    const result = deliver(script, broken);
    expect(result.status).toBe(1);
    expect(docker(result)).toEqual([
      'docker compose --project-name product -f <file> config --quiet [ghcr.io/acme/api:broken]',
      'docker compose --project-name product -f <file> pull --quiet [ghcr.io/acme/api:broken]',
      'docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:broken]',
      'docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:1.15.0]',
      'docker compose --project-name product -f <file> kill -s HUP proxy [ghcr.io/acme/api:1.15.0]',
    ]);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.15.0'));
  });

  it('rolls back by hand to the previous release', () => {
    // The failed release left 1.15.0 installed and as the previous release; apply 1.16.0, then roll back to 1.15.0.
    expect(deliver(script, [put(RELEASE_COMPOSE_FILE, bumped(compose, '1.16.0')), first[1]]).status).toBe(0);
    writeFileSync(calls, '');
    const result = spawnSync('sh', [scriptPath, 'rollback'], { env: { ...env, UNIT_STATE: 'active' }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.15.0'));
    expect(previous(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.16.0'));
    expect(readFileSync(calls, 'utf8')).toContain('up --detach --wait --remove-orphans [ghcr.io/acme/api:1.15.0]');
  });

  it('only installs the files while the boot unit has not started compose, and restarts a failed unit', () => {
    const waiting = deliver(script, [put(RELEASE_COMPOSE_FILE, bumped(compose, '1.17.0')), first[1]], 'activating');
    expect(waiting.status).toBe(0);
    expect(docker(waiting)).toEqual([]);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.17.0'));
    const failed = deliver(script, [put(RELEASE_COMPOSE_FILE, bumped(compose, '1.18.0')), first[1]], 'failed');
    expect(failed.status).toBe(0);
    expect(docker(failed)).toEqual([]);
    expect(failed.calls.filter((c) => c.startsWith('systemctl '))).toEqual([
      'systemctl is-active --quiet stagecraft.service',
      'systemctl is-failed --quiet stagecraft.service',
      'systemctl reset-failed stagecraft.service',
      'systemctl start --no-block stagecraft.service',
    ]);
  });

  it("fetches the latest release at boot (the unit's ExecStartPre) without touching docker", () => {
    const latest = put(RELEASE_COMPOSE_FILE, bumped(compose, '1.19.0'));
    writeFileSync(calls, '');
    const command = releaseFetchCommand(LOCATION, [RELEASE_COMPOSE_FILE, RELEASE_PROXY_FILE]).split(RELEASE_SCRIPT_PATH).join(scriptPath);
    execFileSync('sh', ['-c', command], { env: { ...env, UNIT_STATE: 'activating' } });
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.19.0'));
    const log = readFileSync(calls, 'utf8');
    expect(log).not.toContain('docker');
    expect(log).not.toContain('--version-id');
    expect(latest.version).toBe(readFileSync(join(bucket, 'release', `${RELEASE_COMPOSE_FILE}.latest`), 'utf8'));
    expect(existsSync(join(stateDir, 'lock'))).toBe(true);
  });
});
