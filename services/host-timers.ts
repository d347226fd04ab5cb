/**
 * Jobs on a host (`kind: job`, issue 18): each runs from a systemd timer on its cron schedule, as
 * `docker compose run --rm --no-deps` of its compose service (which `up` leaves out: it is in the
 * `jobs` profile), with the same image, hardening, environment and secrets as on a cluster. A timer
 * never starts a run while the last one runs (the CronJob's Forbid); a run past its deadline is
 * stopped and its container removed. A failed run is started again 30 s later, up to the job's
 * `retries` (its backoffLimit), and a run missed while the host was off runs once at boot
 * (`Persistent=true`, the CronJob's catch-up of its last missed schedule).
 *
 * The units are files of the host's release (services/host-release.ts), not of its user_data,
 * which running hosts ignore: `stagecraft-release` installs them under /etc/systemd/system once
 * compose is up, enables their timers, and removes the units of jobs a release no longer has, so
 * a schedule change reaches a running host with the next release.
 *
 * Everything in the units is validated data (a DNS-label name, a cron schedule rendered as numbers,
 * an IANA zone); the description is the user's text and goes through `systemdText`.
 */
import { onCalendar, parseCron } from '../config/cron';
import { ServiceDefinition } from '../config/service-definition';

/** The compose profile of the jobs: `docker compose up` starts none of them. */
export const JOBS_PROFILE = 'jobs';

/** A unit file, installed under /etc/systemd/system by the release script. */
export interface HostFile {
  readonly path: string;
  readonly permissions: string;
  readonly content: string;
}

/** The units of every job. */
export interface HostTimers {
  readonly files: readonly HostFile[];
}

/** Prefix of every job unit's name; the release script installs and removes units by it. */
export const JOB_UNIT_PREFIX = 'stagecraft-job-';
/** Unit name stem of a job. */
export const jobUnit = (service: string): string => `${JOB_UNIT_PREFIX}${service}`;
/**
 * Present on every host but the first of a stage with several (written by its cloud-init,
 * services/host-cloud-init.ts): the release is the same for all hosts, so its job units are
 * installed everywhere, and this file keeps a scheduled job to one run per schedule.
 */
export const JOBS_ELSEWHERE_MARKER = '/var/lib/stagecraft/jobs-run-on-another-host';
/** Seconds between a failed run and its retry. */
export const JOB_RETRY_SECONDS = 30;

/**
 * User text for a systemd unit setting: `%` starts a specifier (doubled), a line break would end
 * the setting and a trailing backslash continue it (control characters become spaces, trailing
 * backslashes are dropped).
 */
export function systemdText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .replace(/%/g, '%%')
      .replace(/\\+$/, '')
  );
}

/** The service and timer units of one job. `composeCommand` is the host's `docker compose … -f …` prefix. */
export function jobUnits(service: ServiceDefinition, composeCommand: string, mainUnit: string): HostFile[] {
  const schedule = service.schedule;
  if (!schedule) throw new Error(`${service.name} is not a job`);
  const parsed = parseCron(schedule.cron).schedule;
  if (!parsed) throw new Error(`${service.name}: schedule "${schedule.cron}" was not validated`);
  const unit = jobUnit(service.name);
  const container = unit;
  const attempts = schedule.retries + 1;
  const serviceUnit = [
    '[Unit]',
    `Description=Stagecraft job ${service.name}: ${systemdText(service.description)}`,
    // The compose project (and the secrets it fetched) must be up; starting a run starts it if not.
    `Requires=${mainUnit}`,
    `After=${mainUnit}`,
    // One host of several runs the jobs; the others skip each run (not a failure).
    `ConditionPathExists=!${JOBS_ELSEWHERE_MARKER}`,
    // The run and its retries: at most `attempts` starts in the time they can take.
    `StartLimitIntervalSec=${attempts * (schedule.deadlineSeconds + JOB_RETRY_SECONDS)}s`,
    `StartLimitBurst=${attempts}`,
    '',
    '[Service]',
    'Type=oneshot',
    // --no-deps: the project is up (Requires=); a run must not start database-users again, whose
    // master secret is fetched only by stagecraft-release right before each up.
    `ExecStart=${composeCommand} run --rm --no-deps --name ${container} ${service.name}`,
    // Stopped at its deadline (or by hand), the CLI exits; the container must not run on.
    `ExecStopPost=-/usr/bin/docker rm --force ${container}`,
    `TimeoutStartSec=${schedule.deadlineSeconds}s`,
    // A failed or timed-out run is retried, `retries` times (the CronJob's backoffLimit).
    `Restart=${schedule.retries > 0 ? 'on-failure' : 'no'}`,
    `RestartSec=${JOB_RETRY_SECONDS}s`,
  ].join('\n');
  const timerUnit = [
    '[Unit]',
    `Description=Schedule of the Stagecraft job ${service.name} (${schedule.cron}${schedule.timeZone ? ` ${schedule.timeZone}` : ' UTC'})`,
    '',
    '[Timer]',
    // cron's schedule in systemd's calendar syntax; without a zone the host's (UTC on the AMIs used).
    `OnCalendar=${onCalendar(parsed, schedule.timeZone ?? 'UTC')}`,
    'AccuracySec=1s',
    // A run missed while the host was off runs once when the timer starts again (at boot).
    'Persistent=true',
    `Unit=${unit}.service`,
    '',
    '[Install]',
    'WantedBy=timers.target',
  ].join('\n');
  return [
    { path: `/etc/systemd/system/${unit}.service`, permissions: '0644', content: serviceUnit + '\n' },
    { path: `/etc/systemd/system/${unit}.timer`, permissions: '0644', content: timerUnit + '\n' },
  ];
}

/** The units of every job among `services`. */
export function hostTimers(services: readonly ServiceDefinition[], composeCommand: string, mainUnit: string): HostTimers {
  const jobs = services.filter((s) => s.schedule !== undefined);
  return { files: jobs.flatMap((job) => jobUnits(job, composeCommand, mainUnit)) };
}
