/**
 * The cloud-init document of a single-host stage's host: Docker, the data volume, the docker
 * compose plugin, the release script (`services/host-release.ts`: the compose project, the
 * proxy's configuration, the script that fetches the services' secrets and the jobs' systemd
 * units are a release fetched from S3, not part of this document, which running hosts ignore), and a systemd unit that starts
 * it all at boot through the release script. The unit is a oneshot, whose start has no timeout by
 * default: it waits for an origin certificate the deployer has not put yet.
 */
import { stringify } from 'yaml';
import { baseBootCommands, DATA_MOUNT_POINT } from '../constructs/aws/app-host';
import { COMPOSE_PROJECT, HOST_CONFIG_DIR, HostDataStore } from './compose';
import { RELEASE_SCRIPT_PATH, RELEASE_START_COMMAND } from './host-release';
import { JOBS_ELSEWHERE_MARKER } from './host-timers';

/** docker compose v2 plugin, pinned; its release publishes a SHA-256 beside each binary. */
export const COMPOSE_PLUGIN = {
  version: 'v2.32.4',
  url: 'https://github.com/docker/compose/releases/download/v2.32.4/docker-compose-linux-x86_64',
  path: '/usr/local/lib/docker/cli-plugins/docker-compose',
} as const;

export const SYSTEMD_UNIT = 'stagecraft.service';

export interface HostCloudInitInput {
  /** The release script and the boot unit's command that fetches the latest release (stacks/host-release.ts). */
  readonly release: { readonly script: string; readonly fetchCommand: string };
  readonly withDataVolume: boolean;
  /** Whether this host runs the jobs' scheduled runs (one host of a stage's several does). @default true */
  readonly runsJobs?: boolean;
  /** On-host data stores whose data directories must exist, owned by their user. @default none */
  readonly hostStores?: readonly HostDataStore[];
}

/** The host's docker compose command for the project (the job units run it too, services/host-timers.ts). */
export const HOST_COMPOSE_COMMAND = `/usr/bin/docker compose --project-name ${COMPOSE_PROJECT} -f ${HOST_CONFIG_DIR}/compose.yaml`;

function systemdUnit(fetchRelease: string): string {
  const compose = HOST_COMPOSE_COMMAND;
  return (
    [
      '[Unit]',
      'Description=Stagecraft product services (docker compose)',
      'Requires=docker.service',
      'After=docker.service network-online.target',
      `RequiresMountsFor=${DATA_MOUNT_POINT}`,
      '',
      '[Service]',
      'Type=oneshot',
      'RemainAfterExit=yes',
      'TimeoutStartSec=infinity',
      // The latest release, before compose starts; without S3 the release on disk starts (the "-").
      `ExecStartPre=-${fetchRelease}`,
      // The release's own secret script, then compose up, recorded as applied only when it came up.
      `ExecStart=${RELEASE_START_COMMAND}`,
      `ExecStop=${compose} down`,
      '',
      '[Install]',
      'WantedBy=multi-user.target',
    ].join('\n') + '\n'
  );
}

export function hostCloudInit(input: HostCloudInitInput): string {
  const stores = input.hostStores ?? [];
  const document = {
    package_update: true,
    packages: ['docker'],
    write_files: [
      { path: RELEASE_SCRIPT_PATH, permissions: '0700', content: input.release.script },
      { path: `/etc/systemd/system/${SYSTEMD_UNIT}`, permissions: '0644', content: systemdUnit(input.release.fetchCommand) },
      ...(input.runsJobs === false ? [{ path: JOBS_ELSEWHERE_MARKER, permissions: '0644', content: 'The first host runs the scheduled jobs.\n' }] : []),
    ],
    runcmd: [
      ...baseBootCommands(input.withDataVolume),
      `mkdir -p ${COMPOSE_PLUGIN.path.replace(/\/[^/]+$/, '')}`,
      `curl -fsSL -o ${COMPOSE_PLUGIN.path} ${COMPOSE_PLUGIN.url}`,
      `curl -fsSL ${COMPOSE_PLUGIN.url}.sha256 | awk '{print $1"  ${COMPOSE_PLUGIN.path}"}' | sha256sum -c -`,
      `chmod 0755 ${COMPOSE_PLUGIN.path}`,
      ...stores.flatMap((store) => [`mkdir -p ${store.dataDir}`, `chown ${store.user} ${store.dataDir}`, `chmod 0700 ${store.dataDir}`]),
      'systemctl daemon-reload',
      // --no-block: the unit may wait for the origin certificate (docs/origin-trust.md); cloud-init must finish regardless.
      `systemctl enable --now --no-block ${SYSTEMD_UNIT}`,
    ],
  };
  return `#cloud-config\n${stringify(document, { lineWidth: 0 })}`;
}
