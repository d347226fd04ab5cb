/**
 * The script that fetches a host's secrets (docs/releases.md): part of the release, not of
 * user_data, because running hosts ignore user_data changes. A release that adds a secret must
 * bring the script that fetches it, and `stagecraft-release` runs the release's own copy right
 * before every `docker compose up` (services/host-release.ts), so the containers never start
 * without their files and a rotated value (RDS's managed master secret, every 7 days) is the
 * current one at each up.
 *
 * Values go to a tmpfs (memory, never the disk), each fetched into a temporary file and, only when
 * complete, copied into the old file in place (so a failed fetch leaves the previous value): compose
 * mounts each file on its own, and a single-file bind mount keeps the inode it was given, so a file
 * replaced by a rename would never reach a running container. Secrets needed only
 * while compose comes up (the RDS master secret of the one-shot database-users service) are
 * emptied again after each up (`--drop-transient`). Every file name and ARN is single-quoted; the
 * ARNs are Terraform references resolved when the release object is written, never values.
 */
import { HOST_SECRETS_DIR } from './compose';
import { shellQuote } from './shell-quote';

/** Name of the script, in the release (and the bucket) and under /usr/local/sbin. */
export const FETCH_SECRETS_SCRIPT = 'stagecraft-fetch-secrets';
/** Where hosts booted before releases carried the script run it from (their stagecraft.service); the release refreshes it. */
export const FETCH_SECRETS_PATH = `/usr/local/sbin/${FETCH_SECRETS_SCRIPT}`;

/** What the script fetches. */
export interface FetchSecretsInput {
  /** Secret file name → Secrets Manager ARN. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly region: string;
  /**
   * Files whose value the deployer puts after the stack creates the secret (the origin
   * certificate, application secrets): at boot the script waits for them; in a release apply
   * (`--no-wait`) it fails at once, so the release is not applied without them. @default none
   */
  readonly awaited?: readonly string[];
  /** Files needed only while compose comes up, emptied after it (`--drop-transient`). @default none */
  readonly transient?: readonly string[];
  /** The tmpfs the files go to; tests point it at a temporary directory. @default HOST_SECRETS_DIR */
  readonly directory?: string;
}

/** Where the deployer learns how to put an awaited secret. */
const howToPut = (file: string) => (file.startsWith('app-') ? 'docs/services.md' : 'docs/origin-trust.md');

/** The script (POSIX sh, as root). */
export function fetchSecretsScript(input: FetchSecretsInput): string {
  const directory = input.directory ?? HOST_SECRETS_DIR;
  const awaited = new Set(input.awaited ?? []);
  const files = Object.keys(input.secrets).sort((a, b) => a.localeCompare(b));
  const transient = [...new Set(input.transient ?? [])].filter((f) => files.includes(f)).sort();
  return `#!/bin/sh
# ${FETCH_SECRETS_SCRIPT}: fetches this host's secrets with the instance role into a tmpfs; nothing
# is written to disk. Written by Stagecraft (services/host-fetch-secrets.ts, docs/releases.md).
#   ${FETCH_SECRETS_SCRIPT}                   every secret; waits for one not put yet (boot)
#   ${FETCH_SECRETS_SCRIPT} --no-wait         every secret; fails on one not put yet (release apply)
#   ${FETCH_SECRETS_SCRIPT} --drop-transient  empties the files needed only while compose comes up
set -eu
umask 077
DIR=${shellQuote(directory)}
REGION=${shellQuote(input.region)}
wait=yes
mode=''
[ $# -eq 0 ] || mode=$1
case "$mode" in
  '') ;;
  --no-wait) wait=no ;;
  --drop-transient)
${transient
  .map(
    (file) => `    if [ -f "$DIR"/${shellQuote(file)} ]; then : > "$DIR"/${shellQuote(file)}; fi
`,
  )
  .join('')}    exit 0 ;;
  *) echo "${FETCH_SECRETS_SCRIPT}: usage: [--no-wait|--drop-transient]" >&2; exit 2 ;;
esac
mkdir -p "$DIR"
mountpoint -q "$DIR" || mount -t tmpfs -o size=1m,mode=0700 tmpfs "$DIR"

# fetch FILE ARN [DOC]: the current value into DIR/FILE (readable by the containers' users through
# compose's bind mounts), copied into the old file in place (the inode the mounts hold) only once
# complete. With DOC the deployer puts
# the value after the stack exists: waited for at boot, a failure in a release apply.
fetch() {
  while ! aws secretsmanager get-secret-value --region "$REGION" --secret-id "$2" --query SecretString --output text > "$DIR/.$1.new"; do
    rm -f "$DIR/.$1.new"
    if [ $# -lt 3 ]; then echo "${FETCH_SECRETS_SCRIPT}: $1 could not be fetched" >&2; return 1; fi
    if [ "$wait" = no ]; then echo "${FETCH_SECRETS_SCRIPT}: $1 has no value yet: put it as $3 says" >&2; return 1; fi
    echo "$1 has no value yet: put it as $3 says; retrying in 30 s"
    sleep 30
  done
  [ -f "$DIR/$1" ] || install -m 0444 /dev/null "$DIR/$1"
  cat "$DIR/.$1.new" > "$DIR/$1"
  rm -f "$DIR/.$1.new"
}

${files.map((file) => `fetch ${shellQuote(file)} ${shellQuote(input.secrets[file])}${awaited.has(file) ? ` ${shellQuote(howToPut(file))}` : ''}`).join('\n')}
`;
}
