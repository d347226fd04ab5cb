/**
 * The release of a single-host stage (docs/releases.md): the compose project and the proxy's
 * configuration go to the stack's release bucket, and State Manager applies them on every host
 * when they change. The hosts' user_data keeps only the bootstrap, so an image bump changes
 * objects and the association's parameters, never the hosts.
 */
import { AppHost } from '../constructs/aws/app-host';
import { DataBucket } from '../constructs/aws/data-bucket';
import { ReleaseDelivery } from '../constructs/aws/release-delivery';
import { suppress } from '../policies/suppress';
import { StatefulResourcesBackedUp } from '../policies/rules/deletion-protection-and-backups/StatefulResourcesBackedUp';
import {
  RELEASE_PREFIX,
  RELEASE_SCRIPT,
  ReleaseInput,
  ReleaseLocation,
  releaseApplyCommands,
  releaseFiles,
  releaseFetchCommand,
  releaseScript,
} from '../services/host-release';
import { RegionalStack } from './regional-stack';

/** What a host's bootstrap needs of its release (the script and the boot unit's fetch command), and the delivery. */
export interface HostReleaseBootstrap {
  readonly script: string;
  readonly fetchCommand: string;
  readonly delivery: ReleaseDelivery;
}

/** Puts the release in the stack's release bucket and delivers it to `hosts`; returns what their user_data needs. */
export function addHostRelease(stack: RegionalStack, hosts: readonly AppHost[], input: ReleaseInput): HostReleaseBootstrap {
  const f = stack.foundation;
  const bucket = new DataBucket(stack, 'releases', {
    bucketName: `${f.namePrefix}-releases`,
    nameSuffix: f.encryptionKey.accountId,
    encryptionKey: f.encryptionKey,
    accessLogBucket: f.logs,
    // Noncurrent versions are earlier releases: a month of them to roll back to by hand.
    noncurrentVersionExpirationDays: 30,
  });
  suppress(
    bucket.bucket,
    StatefulResourcesBackedUp,
    'release files are rendered from the repository at every synthesis and kept as versions: a backup would hold nothing the repository does not',
  );
  const location: ReleaseLocation = { bucket: bucket.bucket.bucket, prefix: RELEASE_PREFIX, region: f.region.code };
  const files = releaseFiles(input);
  const script = releaseScript();
  const delivery = new ReleaseDelivery(stack, 'release', {
    namePrefix: f.namePrefix,
    bucket,
    encryptionKey: f.encryptionKey,
    region: f.region.code,
    prefix: RELEASE_PREFIX,
    objects: [...files, { name: RELEASE_SCRIPT, content: script, contentType: 'text/x-shellscript' }],
    instanceIds: hosts.map((host) => host.instance.id),
    commands: (objects) => {
      const pin = (name: string) => objects.find((o) => o.name === name)!;
      return releaseApplyCommands(
        location,
        pin(RELEASE_SCRIPT),
        files.map((file) => pin(file.name)),
      );
    },
  });
  for (const host of hosts) delivery.grantRead(host, 'release', host.role);
  return {
    script,
    delivery,
    fetchCommand: releaseFetchCommand(
      location,
      files.map((file) => file.name),
    ),
  };
}
