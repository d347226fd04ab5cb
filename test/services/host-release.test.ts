/**
 * The host's release script, run for real against a stand-in host: the traction stack's
 * synthesized release files (its secret script included) in a directory standing in for the
 * versioned bucket, and `aws` (S3 objects by version, Secrets Manager values), `docker`,
 * `systemctl`, `cloud-init`, `mountpoint` and `sleep` on PATH as small scripts that record every
 * call. State Manager's command (releaseApplyCommands) runs as the association would, with the
 * script's host paths moved to a temporary directory; at each `compose up` the fake docker records
 * which secret files exist and what the RDS master secret holds. What the stand-in cannot check
 * (a real registry, compose's health waits, IAM and KMS) is in docs/releases.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
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
import { FETCH_SECRETS_SCRIPT } from '../../services/host-fetch-secrets';
import { HOST_SECRETS_DIR } from '../../services/compose';
import { jobUnits } from '../../services/host-timers';
import { HOST_COMPOSE_COMMAND, SYSTEMD_UNIT } from '../../services/host-cloud-init';
import { ServiceDefinition } from '../../config/service-definition';

const STACK = 'acme-traction-eu-west-1';
const LOCATION = { bucket: 'acme-traction-eu-west-1-releases-111122223333', prefix: 'release', region: 'eu-west-1' };
/** RDS's managed master secret on the host, read by the one-shot database-users service only. */
const MASTER = 'database-master';

let root: string;
let bucket: string;
let configDir: string;
let stateDir: string;
let calls: string;
let scriptPath: string;
let secretsDir: string;
let secretStore: string;
let secretsCopy: string;
let fetchSecrets: string;
/** Secret file → the ARN its fetch names (Terraform references at synthesis). */
let secretArns: Map<string, string>;
let unitDir: string;
let env: NodeJS.ProcessEnv;
let compose: string;
let proxy: string;
let versions = 0;

/** The stand-ins: each appends its arguments to the call log. */
const STANDINS: Record<string, string> = {
  // `aws s3api get-object --region R --bucket B --key K [--version-id V] OUT`: the object's version, or its latest.
  // `aws secretsmanager get-secret-value … --secret-id ARN …`: the value put for ARN, or Secrets Manager's error.
  aws: `#!/bin/sh
echo "aws $*" >> "$CALLS"
if [ "$1" = secretsmanager ]; then
  id=''
  while [ $# -gt 0 ]; do case "$1" in --secret-id) id=$2; shift 2 ;; *) shift ;; esac; done
  name=$(printf '%s' "$id" | tr -c 'A-Za-z0-9' '_')
  [ -f "$SECRET_STORE/$name" ] || { echo "ResourceNotFoundException: no value for $id" >&2; exit 254; }
  cat "$SECRET_STORE/$name"
  exit 0
fi
key='' version='' out=''
while [ $# -gt 0 ]; do
  case "$1" in --key) key=$2; shift 2 ;; --version-id) version=$2; shift 2 ;; --region|--bucket) shift 2 ;; s3api|get-object) shift ;; *) out=$1; shift ;; esac
done
[ -n "$version" ] || version=$(cat "$BUCKET/$key.latest")
[ -f "$BUCKET/$key@$version" ] || { echo "NoSuchVersion: $key $version" >&2; exit 254; }
cp "$BUCKET/$key@$version" "$out"
`,
  // The secrets tmpfs is a plain directory here: never mount one.
  mountpoint: `#!/bin/sh
exit 0
`,
  // A wait for a secret the deployer has not put: puts the pending value (as the deployer would) instead of sleeping.
  sleep: `#!/bin/sh
echo "sleep $*" >> "$CALLS"
for pending in "$SECRET_STORE"/*.pending; do [ ! -f "$pending" ] || mv "$pending" "\${pending%.pending}"; done
`,
  // Records the call and the api image of the compose file it was given; fails \`up\` for a broken release.
  docker: `#!/bin/sh
file=''
prev=''
for a in "$@"; do [ "$prev" = -f ] && file=$a; prev=$a; done
image=$( [ -n "$file" ] && sed -n 's/^    image: \\(ghcr.io\\/acme\\/api:.*\\)$/\\1/p' "$file" | head -1 )
echo "docker $* [$image]" >> "$CALLS"
case "$*" in *" up "*)
  # What the containers would find: every secret file with a value, and the master secret's value.
  echo "secrets at up: $(cd "$SECRETS_DIR" && for f in *; do [ ! -s "$f" ] || printf '%s ' "$f"; done)" >> "$CALLS"
  echo "master at up: $(cat "$SECRETS_DIR/${MASTER}" 2>/dev/null)" >> "$CALLS"
  [ ! -f "$FAIL_UP" ] || exit 1
  case "$image" in *:broken) exit 1 ;; esac ;;
esac
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

/** Runs the installed release script with `args` (the boot unit's start, a rollback by hand). */
function host(args: string[], unitState = 'active'): { status: number; output: string; calls: string[] } {
  writeFileSync(calls, '');
  const result = spawnSync('sh', [scriptPath, ...args], { env: { ...env, UNIT_STATE: unitState }, encoding: 'utf8' });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}`, calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean) };
}

const installed = (name: string) => readFileSync(join(configDir, name), 'utf8');
const previous = (name: string) => readFileSync(join(stateDir, 'previous', name), 'utf8');
const docker = (result: { calls: string[] }) => result.calls.filter((c) => c.startsWith('docker ')).map((c) => c.replace(/ -f \S+/, ' -f <file>'));
/** What the fake docker saw at each `up`: the secret files with a value, and the master secret. */
const atUp = (result: { calls: string[] }) => result.calls.filter((c) => c.startsWith('secrets at up: ') || c.startsWith('master at up: '));
const bumped = (text: string, tag: string) => text.replace(/image: ghcr\.io\/acme\/api:[\w.-]+/, `image: ghcr.io/acme/api:${tag}`);
const storeName = (arn: string) => arn.replace(/[^A-Za-z0-9]/g, '_');
/** Puts a secret's current value in the stand-in Secrets Manager (`pending`: put when the host next waits). */
const putSecret = (file: string, value: string, pending = false) =>
  writeFileSync(join(secretStore, `${storeName(secretArns.get(file)!)}${pending ? '.pending' : ''}`), value);
const removeSecret = (file: string) => rmSync(join(secretStore, storeName(secretArns.get(file)!)), { force: true });
const secretOnHost = (file: string) => readFileSync(join(secretsDir, file), 'utf8');
const masterSecret = (password: string) => `{"username":"stagecraft","password":"${password}"}`;
/** The compose file's secret files, sorted, as the fake docker lists them. */
const composeSecrets = (text: string) => `secrets at up: ${Object.keys(parse(text).secrets).sort().join(' ')} `;

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
  secretsCopy = join(root, 'sbin', FETCH_SECRETS_SCRIPT);
  secretsDir = join(root, 'run-secrets');
  secretStore = join(root, 'secretsmanager');
  unitDir = join(root, 'systemd');
  // The synthesized secret script, its tmpfs moved to the test's directory.
  const synthesized = releaseFile(examples, STACK, FETCH_SECRETS_SCRIPT);
  expect(synthesized).toContain(`DIR='${HOST_SECRETS_DIR}'\n`);
  fetchSecrets = synthesized.replace(`DIR='${HOST_SECRETS_DIR}'\n`, `DIR='${secretsDir}'\n`);
  secretArns = new Map([...fetchSecrets.matchAll(/^fetch '([^']+)' '([^']+)'/gm)].map((m) => [m[1], m[2]]));
  const bin = join(root, 'bin');
  for (const dir of [join(bucket, 'release'), bin, join(root, 'sbin'), secretStore, unitDir]) mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(STANDINS)) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  for (const file of secretArns.keys()) putSecret(file, file === MASTER ? masterSecret('first') : `value of ${file}`);
  env = { PATH: `${bin}:/usr/bin:/bin`, CALLS: calls, BUCKET: bucket, SECRET_STORE: secretStore, SECRETS_DIR: secretsDir, FAIL_UP: join(root, 'fail-up') };
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const SCRIPT_PATHS = () => ({ configDir, stateDir, fetchSecretsPath: secretsCopy, unitDir });

describe('the release script on a stand-in host', () => {
  let script: ReleasePin;
  let first: ReleasePin[];
  let secrets: ReleasePin;

  beforeAll(() => {
    script = put(RELEASE_SCRIPT, releaseScript(SCRIPT_PATHS()));
    secrets = put(FETCH_SECRETS_SCRIPT, fetchSecrets);
    first = [put(RELEASE_COMPOSE_FILE, compose), put(RELEASE_PROXY_FILE, proxy), secrets];
  });

  it('holds no Terraform template syntax, so it reaches S3 and user_data byte for byte', () => {
    expect(releaseScript()).not.toMatch(/\$\{|%\{/);
  });

  it('names, in the release, every secret file the compose project mounts', () => {
    expect([...secretArns.keys()].sort()).toEqual(Object.keys(parse(compose).secrets).sort());
    expect(secretArns.get(MASTER)).toMatch(/^\$\{aws_db_instance\.\S+\.master_user_secret\[0\]\.secret_arn\}$/);
  });

  it('installs the pinned script, verifies and applies the first release: secrets, validate, pull, up, reload the proxy', () => {
    const result = deliver(script, first);
    expect(result.status).toBe(0);
    expect(result.calls[0]).toBe('cloud-init status --wait');
    expect(readFileSync(scriptPath, 'utf8')).toBe(releaseScript(SCRIPT_PATHS()));
    expect(docker(result)).toEqual([
      'docker compose --project-name product -f <file> config --quiet [ghcr.io/acme/api:1.14.2]',
      'docker compose --project-name product -f <file> pull --quiet [ghcr.io/acme/api:1.14.2]',
      'docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:1.14.2]',
      'docker compose --project-name product -f <file> kill -s HUP proxy [ghcr.io/acme/api:1.14.2]',
    ]);
    // Every secret the compose file names was fetched before compose came up, the master secret with it.
    expect(atUp(result)).toEqual([composeSecrets(compose), `master at up: ${masterSecret('first')}`]);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(compose);
    expect(installed(RELEASE_PROXY_FILE)).toBe(proxy);
    expect(installed(FETCH_SECRETS_SCRIPT)).toBe(fetchSecrets);
    // Hosts booted before releases carried the script run this copy at boot.
    expect(readFileSync(secretsCopy, 'utf8')).toBe(fetchSecrets);
    // Each object was fetched by its pinned version.
    expect(result.calls.filter((c) => c.startsWith('aws s3api ')).map((c) => /--version-id (\S+)/.exec(c)?.[1])).toEqual([
      script.version,
      ...first.map((p) => p.version),
    ]);
    // The master secret is held only while compose comes up; the services' own files stay.
    expect(secretOnHost(MASTER)).toBe('');
    expect(secretOnHost('database-password-api')).toBe('value of database-password-api');
  });

  it('changes nothing when the host already has the release applied (the schedule runs it again)', () => {
    const result = deliver(script, first);
    expect(result.status).toBe(0);
    expect(result.output).toContain('release already installed and applied: compose.yaml nginx.conf stagecraft-fetch-secrets');
    expect(docker(result)).toEqual([]);
  });

  it('applies an image bump with the master secret RDS rotated since: fetched again right before up', () => {
    putSecret(MASTER, masterSecret('rotated'));
    const bump = [put(RELEASE_COMPOSE_FILE, bumped(compose, '1.15.0')), first[1], secrets];
    // compose mounts each file on its own, and a single-file bind mount keeps its inode: new
    // content must land in the same inode to reach a running container.
    const inode = (path: string) => statSync(path).ino;
    const mounted = [join(configDir, RELEASE_COMPOSE_FILE), join(configDir, RELEASE_PROXY_FILE), join(secretsDir, 'database-password-api')];
    const inodes = mounted.map(inode);
    const result = deliver(script, bump);
    expect(mounted.map(inode)).toEqual(inodes);
    expect(result.status).toBe(0);
    expect(result.output).toContain('changed: compose.yaml');
    expect(docker(result)).toEqual([
      'docker compose --project-name product -f <file> config --quiet [ghcr.io/acme/api:1.15.0]',
      'docker compose --project-name product -f <file> pull --quiet [ghcr.io/acme/api:1.15.0]',
      'docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:1.15.0]',
    ]);
    expect(atUp(result)).toEqual([composeSecrets(compose), `master at up: ${masterSecret('rotated')}`]);
    expect(secretOnHost(MASTER)).toBe('');
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.15.0'));
    expect(previous(RELEASE_COMPOSE_FILE)).toBe(compose);
  });

  it('refuses an object whose content is not the release it was pinned to, and changes nothing', () => {
    const tampered = put(RELEASE_COMPOSE_FILE, bumped(compose, '6.6.6'));
    const result = deliver(script, [{ ...tampered, sha256: sha256(bumped(compose, '1.16.0')) }, first[1], secrets]);
    expect(result.status).toBe(1);
    expect(result.output).toContain(`compose.yaml: version ${tampered.version} does not have the release's SHA-256`);
    expect(docker(result)).toEqual([]);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.15.0'));
  });

  it('restores and brings up the previous release when the new one does not come up, and fails the run', () => {
    const broken = [put(RELEASE_COMPOSE_FILE, bumped(compose, 'broken')), first[1], secrets];
    const result = deliver(script, broken);
    expect(result.status).toBe(1);
    expect(docker(result)).toEqual([
      'docker compose --project-name product -f <file> config --quiet [ghcr.io/acme/api:broken]',
      'docker compose --project-name product -f <file> pull --quiet [ghcr.io/acme/api:broken]',
      'docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:broken]',
      'docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:1.15.0]',
      'docker compose --project-name product -f <file> kill -s HUP proxy [ghcr.io/acme/api:1.15.0]',
    ]);
    // The previous release came up again with its secrets, the master secret fetched for it too.
    expect(atUp(result)).toEqual([
      composeSecrets(compose),
      `master at up: ${masterSecret('rotated')}`,
      composeSecrets(compose),
      `master at up: ${masterSecret('rotated')}`,
    ]);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.15.0'));
  });

  it('rolls back by hand to the previous release', () => {
    // The failed release left 1.15.0 installed and as the previous release; apply 1.16.0, then roll back to 1.15.0.
    expect(deliver(script, [put(RELEASE_COMPOSE_FILE, bumped(compose, '1.16.0')), first[1], secrets]).status).toBe(0);
    const result = host(['rollback']);
    expect(result.status).toBe(0);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.15.0'));
    expect(previous(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.16.0'));
    expect(docker(result)).toContain('docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:1.15.0]');
    expect(atUp(result)).toEqual([composeSecrets(compose), `master at up: ${masterSecret('rotated')}`]);
  });

  it('only installs the files while the boot unit has not started compose, and restarts a failed unit without failing the run (the other hosts wait for the same release)', () => {
    const waiting = deliver(script, [put(RELEASE_COMPOSE_FILE, bumped(compose, '1.17.0')), first[1], secrets], 'activating');
    expect(waiting.status).toBe(0);
    expect(docker(waiting)).toEqual([]);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.17.0'));
    const failed = deliver(script, [put(RELEASE_COMPOSE_FILE, bumped(compose, '1.18.0')), first[1], secrets], 'failed');
    expect(failed.status).toBe(0);
    expect(failed.output).toContain('stagecraft.service had failed and is started again');
    expect(docker(failed)).toEqual([]);
    expect(failed.calls.filter((c) => c.startsWith('systemctl '))).toEqual([
      'systemctl is-active --quiet stagecraft.service',
      'systemctl is-failed --quiet stagecraft.service',
      'systemctl reset-failed stagecraft.service',
      'systemctl start --no-block stagecraft.service',
    ]);
  });

  it("brings the release up at the unit's start: waits for a secret the deployer has not put, then records it applied", () => {
    removeSecret('origin-tls');
    putSecret('origin-tls', 'value of origin-tls', true);
    const started = host(['start'], 'activating');
    expect(started.status).toBe(0);
    expect(started.calls.filter((c) => c.startsWith('sleep '))).toEqual(['sleep 30']);
    expect(docker(started)).toEqual(['docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:1.18.0]']);
    expect(atUp(started)).toEqual([composeSecrets(compose), `master at up: ${masterSecret('rotated')}`]);
    // The association's next run finds it applied.
    const again = deliver(script, [put(RELEASE_COMPOSE_FILE, bumped(compose, '1.18.0')), first[1], secrets]);
    expect([again.status, docker(again)]).toEqual([0, []]);
    expect(again.output).toContain('release already installed and applied');
  });

  it("fetches the latest release at boot (the unit's ExecStartPre) without touching docker", () => {
    const latest = put(RELEASE_COMPOSE_FILE, bumped(compose, '1.19.0'));
    writeFileSync(calls, '');
    const command = releaseFetchCommand(LOCATION, [RELEASE_COMPOSE_FILE, RELEASE_PROXY_FILE, FETCH_SECRETS_SCRIPT]).split(RELEASE_SCRIPT_PATH).join(scriptPath);
    execFileSync('sh', ['-c', command], { env: { ...env, UNIT_STATE: 'activating' } });
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(bumped(compose, '1.19.0'));
    const log = readFileSync(calls, 'utf8');
    expect(log).not.toContain('docker');
    expect(log).not.toContain('--version-id');
    expect(latest.version).toBe(readFileSync(join(bucket, 'release', `${RELEASE_COMPOSE_FILE}.latest`), 'utf8'));
    expect(existsSync(join(stateDir, 'lock'))).toBe(true);
  });
});

describe('a release that adds a secret, on a running host', () => {
  let script: ReleasePin;
  let withSecret: ReleasePin[];
  const NEW = 'app-api-PARTNER_TOKEN';

  beforeAll(() => {
    rmSync(configDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(secretsDir, { recursive: true, force: true });
    script = put(RELEASE_SCRIPT, releaseScript(SCRIPT_PATHS()));
    expect(deliver(script, [put(RELEASE_COMPOSE_FILE, compose), put(RELEASE_PROXY_FILE, proxy), put(FETCH_SECRETS_SCRIPT, fetchSecrets)]).status).toBe(0);
    // The api gets a new application secret: a compose secret it mounts, and its fetch in the release's script.
    const document = parse(compose);
    document.secrets[NEW] = { file: `${HOST_SECRETS_DIR}/${NEW}` };
    document.services.api.secrets = [...document.services.api.secrets, { source: NEW, target: 'PARTNER_TOKEN' }];
    secretArns.set(NEW, 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:acme-traction/api/PARTNER_TOKEN');
    const script2 = fetchSecrets.trimEnd() + `\nfetch '${NEW}' '${secretArns.get(NEW)}' 'docs/services.md'\n`;
    withSecret = [
      put(RELEASE_COMPOSE_FILE, bumped(stringify(document, { lineWidth: 0 }), '1.15.0')),
      put(RELEASE_PROXY_FILE, proxy),
      put(FETCH_SECRETS_SCRIPT, script2),
    ];
  });

  it('is not applied while the new secret has no value: the previous release stays up, the run fails naming the secret', () => {
    const result = deliver(script, withSecret);
    expect(result.status).toBe(1);
    expect(result.output).toContain(`stagecraft-fetch-secrets: ${NEW} has no value yet: put it as docs/services.md says`);
    // compose never came up without the file; the previous release is back, brought up with its own secrets.
    expect(docker(result).filter((c) => c.includes(' up '))).toEqual([
      'docker compose --project-name product -f <file> up --detach --wait --remove-orphans [ghcr.io/acme/api:1.14.2]',
    ]);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(compose);
  });

  it('is applied at the next run once the value is put: the new file is there when compose comes up', () => {
    putSecret(NEW, 'partner');
    const result = deliver(script, withSecret);
    expect(result.status).toBe(0);
    expect(atUp(result)[0]).toContain(` ${NEW} `);
    expect(secretOnHost(NEW)).toBe('partner');
  });

  it('applies again, at the next run with the same pins, a release whose compose up failed with nothing to restore', () => {
    // A first release on a host with no previous one, whose up fails (a one-shot service failed, say).
    rmSync(configDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
    writeFileSync(env.FAIL_UP!, '');
    const failed = deliver(script, withSecret);
    expect(failed.status).toBe(1);
    expect(installed(RELEASE_COMPOSE_FILE)).toBe(readFileSync(join(bucket, 'release', `${RELEASE_COMPOSE_FILE}@${withSecret[0].version}`), 'utf8'));
    rmSync(env.FAIL_UP!);
    const retried = deliver(script, withSecret);
    expect(retried.status).toBe(0);
    expect(retried.output).toContain('release installed but not applied');
    expect(docker(retried).filter((c) => c.includes(' up '))).toHaveLength(1);
    const settled = deliver(script, withSecret);
    expect([settled.status, docker(settled)]).toEqual([0, []]);
  });
});

describe("the jobs' timers come with the release", () => {
  const job = (name: string, cron: string): ServiceDefinition => ({
    name,
    description: `job ${name}`,
    kind: 'job',
    image: `ghcr.io/acme/${name}:1.0.0`,
    ports: [],
    schedule: { cron, concurrencyPolicy: 'Forbid', deadlineSeconds: 900, retries: 2 },
    drainSeconds: 30,
    secrets: [],
    resources: { requests: { cpuMillis: 100, memoryMiB: 128 }, limits: { cpuMillis: 100, memoryMiB: 128 } },
    env: {},
    dataStores: ['database'],
    topics: { consumes: [], produces: [] },
    calls: [],
    stages: ['traction'],
    scaling: { rule: 'fixed', replicas: 1 },
    demand: { driver: 'fixed' },
    sourceFile: `services/${name}.yaml`,
  });
  /** The release's pins: compose, proxy, secret script and each unit of `jobs`. */
  const release = (jobs: ServiceDefinition[]) => [
    put(RELEASE_COMPOSE_FILE, compose),
    put(RELEASE_PROXY_FILE, proxy),
    put(FETCH_SECRETS_SCRIPT, fetchSecrets),
    ...jobs.flatMap((j) => jobUnits(j, HOST_COMPOSE_COMMAND, SYSTEMD_UNIT)).map((unit) => put(unit.path.replace(/^.*\//, ''), unit.content)),
  ];
  const unitsOnHost = () => readdirSync(unitDir).sort();
  const systemctl = (result: { calls: string[] }) => result.calls.filter((c) => c.startsWith('systemctl ') && !c.includes('is-active'));
  let script: ReleasePin;

  beforeAll(() => {
    for (const dir of [configDir, stateDir, secretsDir]) rmSync(dir, { recursive: true, force: true });
    script = put(RELEASE_SCRIPT, releaseScript(SCRIPT_PATHS()));
  });

  it('installs the units once compose is up, and enables the timers', () => {
    const result = deliver(script, release([job('report', '0 6 * * 1'), job('cleanup', '15 * * * *')]));
    expect(result.status).toBe(0);
    expect(unitsOnHost()).toEqual([
      'stagecraft-job-cleanup.service',
      'stagecraft-job-cleanup.timer',
      'stagecraft-job-report.service',
      'stagecraft-job-report.timer',
    ]);
    expect(readFileSync(join(unitDir, 'stagecraft-job-report.timer'), 'utf8')).toContain('Persistent=true\n');
    const up = result.calls.findIndex((c) => c.includes(' up --detach'));
    const reload = result.calls.indexOf('systemctl daemon-reload');
    expect(up).toBeGreaterThan(-1);
    expect(reload).toBeGreaterThan(up);
    expect(systemctl(result)).toEqual([
      'systemctl daemon-reload',
      'systemctl enable --now --no-block stagecraft-job-report.timer',
      'systemctl enable --now --no-block stagecraft-job-cleanup.timer',
    ]);
  });

  it('takes a schedule change to the running host, and removes the units of a job the release drops', () => {
    const result = deliver(script, release([job('report', '0 7 * * 1')]));
    expect(result.status).toBe(0);
    expect(readFileSync(join(unitDir, 'stagecraft-job-report.timer'), 'utf8')).toContain('OnCalendar=Mon *-*-* 07:00:00 UTC\n');
    expect(unitsOnHost()).toEqual(['stagecraft-job-report.service', 'stagecraft-job-report.timer']);
    expect(systemctl(result)).toEqual([
      'systemctl disable --now stagecraft-job-cleanup.timer',
      'systemctl daemon-reload',
      'systemctl enable --now --no-block stagecraft-job-report.timer',
      'systemctl restart --no-block stagecraft-job-report.timer',
    ]);
  });
});
