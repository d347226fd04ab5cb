/**
 * A host release must bring the script that fetches its secrets (issue 15, docs/releases.md).
 * Running hosts ignore user_data changes, so a secret script in user_data never learns of a
 * secret a later release adds: the containers start without their `/run/secrets/<name>` file. The
 * release's compose file (an `aws_s3_object` …/compose.yaml) names each secret's file; a
 * `stagecraft-fetch-secrets` object beside it, in the same bucket and key prefix, must fetch every
 * one into that directory (`DIR='…'`, `fetch '<name>' '<arn>'`). And a secret RDS rotates (its
 * managed master secret, `master_user_secret`) is only good when fetched right before each use: the
 * script must empty it again after each up (`--drop-transient`), so no stale copy is left to use.
 */
import { parse } from 'yaml';
import { isSingleHostStage } from '../../../config/stages';
import { fromTerraformLiteral } from '../../../synthesis/terraform-literal';
import { record } from '../../../synthesis/values';
import { ResourceView, StackOutcome, StackRule } from '../../types';
import { RELEASE_COMPOSE_KEY } from '../request-path/host-compose';

/** The release's secret script, by the last part of its key (services/host-fetch-secrets.ts). */
export const RELEASE_SECRETS_SCRIPT = 'stagecraft-fetch-secrets';
/** A secret ARN RDS manages and rotates: its instance's (or cluster's) master user secret. */
const ROTATED_ARN = /\.master_user_secret\b/;

/** What a release's secret script fetches into which directory, and what it empties after each up. */
interface FetchScript {
  readonly directory?: string;
  readonly fetched: ReadonlyMap<string, string>;
  readonly transient: ReadonlySet<string>;
}

function readScript(content: string): FetchScript {
  const directory = /^DIR='([^']*)'$/m.exec(content)?.[1];
  const fetched = new Map([...content.matchAll(/^fetch '([^']+)' '([^']*)'/gm)].map((m) => [m[1], m[2]]));
  const drop = /^\s*--drop-transient\)\n([\s\S]*?)^\s*exit 0 ;;/m.exec(content)?.[1] ?? '';
  const transient = new Set([...drop.matchAll(/: > "\$DIR"\/'([^']+)'/g)].map((m) => m[1]));
  return { directory, fetched, transient };
}

/** The compose file's secrets: name → its file path, or undefined when the content is not a compose document. */
function composeSecrets(object: ResourceView): Map<string, string> | undefined {
  const content = object.values.content;
  if (typeof content !== 'string') return undefined;
  try {
    const secrets = record(record(parse(fromTerraformLiteral(content)))?.secrets) ?? {};
    return new Map(Object.entries(secrets).map(([name, spec]) => [name, String(record(spec)?.file ?? '')]));
  } catch {
    return undefined;
  }
}

const prefixOf = (key: string) => key.replace(/[^/]*$/, '');

export const HostReleaseSecretsFetched: StackRule = {
  id: 'SC-STG-7',
  name: 'HostReleaseSecretsFetched',
  family: 'stage-aware',
  scope: 'stack',
  description:
    "On launch and traction, every secret file a host release's compose file names is fetched by the release's own secret script (not user_data, which running hosts ignore), and a secret RDS rotates is emptied after each up so it is fetched again before the next.",
  evaluate(stack) {
    if (!stack.stage || !isSingleHostStage(stack.stage))
      return [{ status: 'not-applicable', reason: `stage ${stack.stage ?? 'unknown'} does not run single hosts` }];
    const objects = stack.resources('aws_s3_object');
    const releases = objects.filter((o) => typeof o.values.key === 'string' && RELEASE_COMPOSE_KEY.test(o.values.key));
    if (releases.length === 0) return [{ status: 'not-applicable', reason: 'no release compose object' }];
    return releases.map((release): StackOutcome => {
      const secrets = composeSecrets(release);
      if (!secrets) return { address: release.address, status: 'could-not-evaluate', message: 'the release compose object content is not a compose document' };
      if (secrets.size === 0) return { address: release.address, status: 'compliant' };
      const scriptKey = `${prefixOf(String(release.values.key))}${RELEASE_SECRETS_SCRIPT}`;
      const scriptObject = objects.find((o) => o.values.key === scriptKey && o.values.bucket === release.values.bucket);
      if (!scriptObject || typeof scriptObject.values.content !== 'string')
        return {
          address: release.address,
          status: 'non-compliant',
          message: `no ${scriptKey} object in the release's bucket fetches its secrets (${[...secrets.keys()].sort().join(', ')}): a host that takes a release without being replaced starts their containers without the files`,
        };
      const script = readScript(fromTerraformLiteral(scriptObject.values.content));
      const missing = [...secrets]
        .filter(([name, file]) => !script.fetched.has(name) || script.directory === undefined || file !== `${script.directory}/${name}`)
        .map(([name]) => name)
        .sort();
      if (missing.length > 0)
        return {
          address: release.address,
          status: 'non-compliant',
          message: `${scriptObject.address} does not fetch ${missing.join(', ')} to the file${missing.length > 1 ? 's' : ''} the compose file mounts: their containers start without them`,
        };
      const stale = [...script.fetched]
        .filter(([name, arn]) => ROTATED_ARN.test(arn) && !script.transient.has(name))
        .map(([name]) => name)
        .sort();
      if (stale.length > 0)
        return {
          address: release.address,
          status: 'non-compliant',
          message: `${scriptObject.address} keeps ${stale.join(', ')} after compose comes up, but RDS rotates ${stale.length > 1 ? 'them' : 'it'} every 7 days: empty ${stale.length > 1 ? 'them' : 'it'} after each up (--drop-transient) so ${stale.length > 1 ? 'they are' : 'it is'} fetched again before the next`,
        };
      return { address: release.address, status: 'compliant' };
    });
  },
};
