/**
 * Releases on single-host stages (docs/releases.md): the compose project and the proxy's
 * configuration are a release the host pulls from S3 and applies, not part of its user_data, so a
 * new image reaches the running host without replacing it. This file renders what the host runs:
 * the release's files, the `stagecraft-release` script (fetch at boot, apply on delivery,
 * rollback), and the short command State Manager runs on each host when the release changes.
 *
 * Nothing secret is in a release: the compose file names secret files, and the release's own
 * script (`stagecraft-fetch-secrets`, services/host-fetch-secrets.ts) fetches them by ARN with the
 * instance role before every `compose up`, so a release is self-sufficient on a running host.
 */
import { stringify } from 'yaml';
import { COMPOSE_PROJECT, HOST_CONFIG_DIR, ORIGIN_PULL_CA_FILE } from './compose';
import { FETCH_SECRETS_PATH, FETCH_SECRETS_SCRIPT, fetchSecretsScript, FetchSecretsInput } from './host-fetch-secrets';
import { HostFile, JOB_UNIT_PREFIX } from './host-timers';

/** Key prefix of a stack's release objects in its release bucket. */
export const RELEASE_PREFIX = 'release';
/** The compose file of a release: the file whose images the review compares. */
export const RELEASE_COMPOSE_FILE = 'compose.yaml';
export const RELEASE_PROXY_FILE = 'nginx.conf';
/** Name of the apply script, on the host (under /usr/local/sbin) and in the bucket. */
export const RELEASE_SCRIPT = 'stagecraft-release';
export const RELEASE_SCRIPT_PATH = `/usr/local/sbin/${RELEASE_SCRIPT}`;
/** Where the release script installs the jobs' systemd units. */
export const SYSTEMD_UNIT_DIR = '/etc/systemd/system';
/** Where the host keeps its lock, the incoming release and the previous one (for rollback). */
export const RELEASE_STATE_DIR = '/var/lib/stagecraft/release';

/** One file of a release, as it is stored in S3 and written under the host's config directory. */
export interface ReleaseFile {
  /** File name (no directories). */
  readonly name: string;
  readonly content: string;
  readonly contentType: string;
}

/**
 * What a release holds: the compose document, the proxy's configuration, the public origin-pull CA
 * and the secrets the compose document names (fetched by the release's own script).
 */
export interface ReleaseInput {
  readonly compose: Record<string, unknown>;
  readonly proxyConfig: string;
  /** PEM of the zone's origin-pull CA (public). @default none */
  readonly originPullCa?: string;
  /** Every secret file the compose document names, by ARN, and how each is fetched. */
  readonly secrets: FetchSecretsInput;
  /** The jobs' systemd service and timer units (services/host-timers.ts), installed once compose is up. @default none */
  readonly jobUnits?: readonly HostFile[];
}

/** The files of a release, compose file first; the same every synthesis for the same input. */
export function releaseFiles(input: ReleaseInput): ReleaseFile[] {
  return [
    { name: RELEASE_COMPOSE_FILE, content: stringify(input.compose, { lineWidth: 0 }), contentType: 'application/yaml' },
    { name: RELEASE_PROXY_FILE, content: input.proxyConfig, contentType: 'text/plain' },
    ...(input.originPullCa ? [{ name: ORIGIN_PULL_CA_FILE, content: input.originPullCa, contentType: 'application/x-pem-file' }] : []),
    { name: FETCH_SECRETS_SCRIPT, content: fetchSecretsScript(input.secrets), contentType: 'text/x-shellscript' },
    ...(input.jobUnits ?? []).map((unit) => ({ name: unit.path.replace(/^.*\//, ''), content: unit.content, contentType: 'text/plain' })),
  ];
}

/** Where the script keeps its files; tests point these at a temporary directory. */
export interface ReleaseScriptPaths {
  /** @default HOST_CONFIG_DIR */
  readonly configDir?: string;
  /** @default RELEASE_STATE_DIR */
  readonly stateDir?: string;
  /** Where hosts booted before releases carried the secret script run it from; refreshed at every install. @default FETCH_SECRETS_PATH */
  readonly fetchSecretsPath?: string;
  /** Where the jobs' units go. @default SYSTEMD_UNIT_DIR */
  readonly unitDir?: string;
}

/**
 * The host's release script (POSIX sh, run as root). Modes:
 * - `fetch <bucket> <prefix> <region> <file>...`: at boot, before compose starts (stagecraft.service):
 *   the latest version of each file, installed when it differs; docker is not touched.
 * - `start`: the boot unit's start: waits for secrets the deployer has not put yet, then brings the
 *   installed release up.
 * - `apply <bucket> <prefix> <region> <file>=<version>:<sha256>...`: from State Manager: the pinned
 *   versions, each verified against its SHA-256; when one differs from what is installed, or the
 *   installed release was never brought up, the images are pulled first (a failed pull changes
 *   nothing), the files swapped (the installed ones kept as the previous release), compose brought
 *   up, and on failure the previous release restored and brought up again. The same pins again,
 *   once applied, change nothing.
 * - `rollback`: the previous release back, brought up.
 * Every `compose up` runs the release's own secret script first (services/host-fetch-secrets.ts):
 * a release that adds a secret fetches it, and a rotated value is the current one. A release is
 * recorded as applied (`<stateDir>/applied`) only once compose came up with it, so a failed or
 * interrupted apply is applied again at the association's next run. Once compose is up, the jobs'
 * units of the release are installed and their timers enabled (a changed timer restarted), and the
 * units of jobs the release no longer has are stopped and removed.
 * One run at a time (flock): the boot unit and State Manager may start together.
 */
export function releaseScript(paths: ReleaseScriptPaths = {}): string {
  const configDir = paths.configDir ?? HOST_CONFIG_DIR;
  const stateDir = paths.stateDir ?? RELEASE_STATE_DIR;
  const fetchSecretsPath = paths.fetchSecretsPath ?? FETCH_SECRETS_PATH;
  const unitDir = paths.unitDir ?? SYSTEMD_UNIT_DIR;
  return `#!/bin/sh
# ${RELEASE_SCRIPT}: fetches this host's release (compose file, proxy configuration, secret script)
# from S3 and applies it with docker compose. Written by Stagecraft (services/host-release.ts,
# docs/releases.md).
#   ${RELEASE_SCRIPT} fetch <bucket> <prefix> <region> <file>...
#   ${RELEASE_SCRIPT} start
#   ${RELEASE_SCRIPT} apply <bucket> <prefix> <region> <file>=<version>:<sha256>...
#   ${RELEASE_SCRIPT} rollback
set -eu
umask 022
CONFIG_DIR='${configDir}'
STATE_DIR='${stateDir}'
SECRETS='${FETCH_SECRETS_SCRIPT}'
SECRETS_COPY='${fetchSecretsPath}'
UNIT_DIR='${unitDir}'
UNIT='stagecraft.service'
log() { echo "${RELEASE_SCRIPT}: $*"; }
compose() { docker compose --project-name '${COMPOSE_PROJECT}' "$@"; }
same() { [ -f "$2" ] && [ "$(sha256sum < "$1")" = "$(sha256sum < "$2")" ]; }

[ $# -gt 0 ] || { log 'usage: fetch|start|apply|rollback'; exit 2; }
mode=$1
case "$mode" in
  fetch|apply) [ $# -ge 5 ] || { log "usage: $mode <bucket> <prefix> <region> <file>..."; exit 2; }
    bucket=$2 prefix=$3 region=$4; shift 4 ;;
  start|rollback) shift ;;
  *) log 'usage: fetch|start|apply|rollback'; exit 2 ;;
esac

# At boot, secrets the deployer has not put yet (the origin certificate) are waited for before
# the lock is taken: State Manager's apply must not queue behind the wait.
if [ "$mode" = start ] && [ -f "$CONFIG_DIR/$SECRETS" ]; then sh "$CONFIG_DIR/$SECRETS"; fi

mkdir -p "$STATE_DIR"
exec 9>"$STATE_DIR/lock"
flock 9
incoming="$STATE_DIR/incoming"
previous="$STATE_DIR/previous"
applied="$STATE_DIR/applied"
installed="$STATE_DIR/installed"
rm -rf "$incoming"
mkdir -p "$incoming"

# Each named file's SHA-256 and name, as installed: what \`applied\` holds once compose came up with them.
digest() { for file in $files; do [ ! -f "$CONFIG_DIR/$file" ] || printf '%s  %s\\n' "$(sha256sum < "$CONFIG_DIR/$file" | cut -c1-64)" "$file"; done; }
is_applied() { [ -f "$applied" ] && [ "$(digest)" = "$(cat "$applied")" ]; }

# The release's job units (named in $files) installed, the others' removed, their timers enabled.
install_jobs() {
  reload=no
  restart=''
  for unit in $files; do
    case "$unit" in ${JOB_UNIT_PREFIX}*.service|${JOB_UNIT_PREFIX}*.timer) ;; *) continue ;; esac
    same "$CONFIG_DIR/$unit" "$UNIT_DIR/$unit" && continue
    # A changed timer is restarted, so its new schedule counts from now; a new one is only enabled.
    case "$unit" in *.timer) [ ! -f "$UNIT_DIR/$unit" ] || restart="$restart $unit" ;; esac
    cp "$CONFIG_DIR/$unit" "$UNIT_DIR/.$unit.new"
    chmod 0644 "$UNIT_DIR/.$unit.new"
    mv -f "$UNIT_DIR/.$unit.new" "$UNIT_DIR/$unit"
    reload=yes
  done
  for path in "$UNIT_DIR"/${JOB_UNIT_PREFIX}*; do
    [ -f "$path" ] || continue
    unit=$(basename "$path")
    case " $files " in *" $unit "*) continue ;; esac
    case "$unit" in *.timer) systemctl disable --now "$unit" || true ;; esac
    rm -f "$path"
    reload=yes
  done
  [ "$reload" = no ] || systemctl daemon-reload
  for unit in $files; do
    case "$unit" in ${JOB_UNIT_PREFIX}*.timer) systemctl enable --now --no-block "$unit" ;; esac
  done
  for unit in $restart; do systemctl restart --no-block "$unit"; done
}

# The installed release up: its secret script first (every secret fetched again, a rotated one
# current, a new one present), then compose; the secrets needed only by the start (the RDS master
# secret) emptied again; then the jobs' units; recorded as applied only when all of it succeeded.
up() {
  rm -f "$applied"
  status=0
  if [ -f "$CONFIG_DIR/$SECRETS" ]; then sh "$CONFIG_DIR/$SECRETS" --no-wait || status=$?; fi
  if [ "$status" -eq 0 ]; then compose -f "$CONFIG_DIR/${RELEASE_COMPOSE_FILE}" up --detach --wait --remove-orphans || status=$?; fi
  if [ -f "$CONFIG_DIR/$SECRETS" ]; then sh "$CONFIG_DIR/$SECRETS" --drop-transient || true; fi
  if [ "$status" -eq 0 ]; then install_jobs || status=$?; fi
  [ "$status" -eq 0 ] || return "$status"
  digest > "$applied.new"
  mv -f "$applied.new" "$applied"
}

# Hosts booted before releases carried the secret script run their copy under /usr/local/sbin at boot.
copy_secrets_script() {
  if [ -f "$CONFIG_DIR/$SECRETS" ]; then
    cp "$CONFIG_DIR/$SECRETS" "$SECRETS_COPY.new"
    chmod 0700 "$SECRETS_COPY.new"
    mv -f "$SECRETS_COPY.new" "$SECRETS_COPY"
  fi
}

files=''
if [ "$mode" = start ]; then
  if [ -f "$installed" ]; then files=$(tr '\\n' ' ' < "$installed"); else files='${RELEASE_COMPOSE_FILE}'; fi
  [ -f "$CONFIG_DIR/${RELEASE_COMPOSE_FILE}" ] || { log 'no release installed yet: State Manager installs it and starts this unit again'; exit 1; }
  if up; then log 'started'; exit 0; fi
  log 'the release did not come up'
  exit 1
elif [ "$mode" = rollback ]; then
  [ -f "$previous/${RELEASE_COMPOSE_FILE}" ] || { log 'no previous release to roll back to'; exit 1; }
  for path in "$previous"/*; do
    cp -p "$path" "$incoming/"
    files="$files $(basename "$path")"
  done
else
  for spec in "$@"; do
    file=$(printf '%s' "$spec" | cut -d= -f1)
    case "$file" in ''|.*|*/*) log "not a release file name: $file"; exit 2 ;; esac
    pin=$(printf '%s' "$spec" | cut -s -d= -f2-)
    version=$(printf '%s' "$pin" | cut -d: -f1)
    sha=$(printf '%s' "$pin" | cut -s -d: -f2)
    if [ -n "$version" ]; then
      aws s3api get-object --region "$region" --bucket "$bucket" --key "$prefix/$file" --version-id "$version" "$incoming/$file" >/dev/null
    else
      aws s3api get-object --region "$region" --bucket "$bucket" --key "$prefix/$file" "$incoming/$file" >/dev/null
    fi
    if [ -n "$sha" ] && ! echo "$sha  $incoming/$file" | sha256sum -c --quiet - >/dev/null 2>&1; then
      log "$file: version $version does not have the release's SHA-256 $sha; nothing applied"
      exit 1
    fi
    files="$files $file"
  done
fi

changed=''
for file in $files; do same "$incoming/$file" "$CONFIG_DIR/$file" || changed="$changed $file"; done
if [ -z "$changed" ]; then
  if [ "$mode" = fetch ]; then log "release already installed:$files"; exit 0; fi
  if is_applied && systemctl is-active --quiet "$UNIT"; then
    log "release already installed and applied:$files"
    exit 0
  fi
  log "release installed but not applied (its last start or apply failed or was interrupted):$files"
else
  log "changed:$changed"
fi

# The installed files become the previous release; the incoming ones are copied into them in place:
# compose mounts files (nginx.conf, the origin-pull CA) on their own, and a single-file bind mount keeps
# the inode it was given, so a file replaced by a rename would never reach the running proxy.
install_release() {
  rm -rf "$previous.new"
  mkdir -p "$previous.new" "$CONFIG_DIR"
  for file in $files; do [ ! -f "$CONFIG_DIR/$file" ] || cp -p "$CONFIG_DIR/$file" "$previous.new/$file"; done
  if [ -f "$previous.new/${RELEASE_COMPOSE_FILE}" ]; then rm -rf "$previous"; mv "$previous.new" "$previous"; else rm -rf "$previous.new"; fi
  for file in $files; do
    [ -f "$CONFIG_DIR/$file" ] || install -m 0644 /dev/null "$CONFIG_DIR/$file"
    cat "$incoming/$file" > "$CONFIG_DIR/$file"
  done
  for file in $files; do echo "$file"; done > "$installed"
  copy_secrets_script
}

if [ "$mode" = fetch ]; then
  install_release
  log 'installed; compose starts it'
  exit 0
fi

if ! systemctl is-active --quiet "$UNIT"; then
  # First boot still waiting (secrets, the origin certificate) or a failed start: the unit brings the files up.
  [ -z "$changed" ] || install_release
  if systemctl is-failed --quiet "$UNIT"; then
    systemctl reset-failed "$UNIT"
    systemctl start --no-block "$UNIT"
    # exit 0: with max_errors 0 a failure here would stop the association before the other hosts,
    # which at first boot all wait for this same release (the next run checks that it came up).
    log "installed; $UNIT had failed and is started again (the next run checks that it came up)"
    exit 0
  fi
  log "installed; $UNIT is not running yet and starts it"
  exit 0
fi

if [ -f "$incoming/${RELEASE_COMPOSE_FILE}" ]; then
  compose -f "$incoming/${RELEASE_COMPOSE_FILE}" config --quiet
  compose -f "$incoming/${RELEASE_COMPOSE_FILE}" pull --quiet
fi
[ -z "$changed" ] || install_release
if up; then
  case "$changed" in *${RELEASE_PROXY_FILE}*|*${ORIGIN_PULL_CA_FILE}*) compose -f "$CONFIG_DIR/${RELEASE_COMPOSE_FILE}" kill -s HUP proxy ;; esac
  log 'applied'
  exit 0
fi
log 'the release did not come up healthy; restoring the previous one'
if [ -n "$changed" ] && [ -f "$previous/${RELEASE_COMPOSE_FILE}" ]; then
  files=''
  for path in "$previous"/*; do
    file=$(basename "$path")
    cat "$path" > "$CONFIG_DIR/$file"
    files="$files $file"
  done
  for file in $files; do echo "$file"; done > "$installed"
  copy_secrets_script
  up || true
  compose -f "$CONFIG_DIR/${RELEASE_COMPOSE_FILE}" kill -s HUP proxy || true
fi
exit 1
`;
}

/** One pinned file of a release: its object version and SHA-256, both Terraform expressions at synthesis. */
export interface ReleasePin {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
}

/** Where a host finds its release. */
export interface ReleaseLocation {
  readonly bucket: string;
  readonly prefix: string;
  readonly region: string;
}

/** The boot unit's start: waits for the secrets, then brings the installed release up. */
export const RELEASE_START_COMMAND = `${RELEASE_SCRIPT_PATH} start`;

/** The boot unit's fetch: the latest release, before compose starts. */
export function releaseFetchCommand(location: ReleaseLocation, files: readonly string[]): string {
  return [RELEASE_SCRIPT_PATH, 'fetch', location.bucket, location.prefix, location.region, ...files].join(' ');
}

/**
 * What State Manager runs on each host when the release changes: wait for first boot to finish,
 * install the pinned, verified release script (so a host booted with an older script gets the
 * new one), then apply the pinned release.
 */
export function releaseApplyCommands(location: ReleaseLocation, script: ReleasePin, pins: readonly ReleasePin[]): string[] {
  const object = `--region ${location.region} --bucket ${location.bucket} --key ${location.prefix}/${script.name}`;
  return [
    'set -eu',
    'cloud-init status --wait >/dev/null 2>&1 || true',
    'script=$(mktemp)',
    `aws s3api get-object ${object} --version-id ${script.version} "$script" >/dev/null`,
    `echo "${script.sha256}  $script" | sha256sum -c --quiet -`,
    `install -m 0700 "$script" ${RELEASE_SCRIPT_PATH}`,
    'rm -f "$script"',
    [RELEASE_SCRIPT_PATH, 'apply', location.bucket, location.prefix, location.region, ...pins.map((p) => `${p.name}=${p.version}:${p.sha256}`)].join(' '),
  ];
}
