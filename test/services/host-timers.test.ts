/**
 * The host timers of jobs: the user's description is escaped for systemd (a `%` specifier, a line
 * break, a trailing backslash), and systemd itself (`systemd-analyze verify`) reads the units as
 * written, the job's dependency on the compose project included.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceDefinition } from '../../config/service-definition';
import { jobUnits, systemdText } from '../../services/host-timers';

const job: ServiceDefinition = {
  name: 'report',
  description: 'Sends 100% of %n reports\nExecStart=/bin/rm -rf /\\',
  kind: 'job',
  image: 'ghcr.io/acme/report:1.0.0',
  ports: [],
  schedule: { cron: '0 6 * * 1', timeZone: 'Europe/Paris', concurrencyPolicy: 'Forbid', deadlineSeconds: 900, retries: 2 },
  drainSeconds: 30,
  secrets: [],
  resources: { requests: { cpuMillis: 100, memoryMiB: 128 }, limits: { cpuMillis: 100, memoryMiB: 128 } },
  env: {},
  dataStores: [],
  topics: { consumes: [], produces: [] },
  calls: [],
  stages: ['launch'],
  scaling: { rule: 'fixed', replicas: 1 },
  demand: { driver: 'fixed' },
  sourceFile: 'services/report.yaml',
};

describe('host timers', () => {
  it('escapes user text for a unit setting', () => {
    expect(systemdText('100% of %n\nExecStart=/bin/sh\\')).toBe('100%% of %%n ExecStart=/bin/sh');
  });

  it('writes units systemd reads as meant: one Description line, the Requires kept', () => {
    const [service, timer] = jobUnits(job, '/usr/bin/docker compose -f /etc/stagecraft/compose.yaml', 'stagecraft.service');
    expect(service.content.split('\n').filter((l) => l.startsWith('ExecStart='))).toEqual([
      'ExecStart=/usr/bin/docker compose -f /etc/stagecraft/compose.yaml run --rm --no-deps --name stagecraft-job-report report',
    ]);
    expect(timer.content).toContain('OnCalendar=Mon *-*-* 06:00:00 Europe/Paris\n');
    // Caught up at boot after downtime; a failed run retried twice (retries: 2), 30 s apart.
    expect(timer.content).toContain('Persistent=true\n');
    expect(service.content).toContain('Restart=on-failure\nRestartSec=30s\n');
    expect(service.content).toContain('StartLimitIntervalSec=2790s\nStartLimitBurst=3\n');
    expect(jobUnits({ ...job, schedule: { ...job.schedule!, retries: 0 } }, 'docker compose', 'stagecraft.service')[0].content).toContain('Restart=no\n');
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-timer-'));
    writeFileSync(join(dir, 'stagecraft-job-report.service'), service.content.replace(/\/usr\/bin\/docker/g, '/bin/echo'));
    writeFileSync(join(dir, 'stagecraft-job-report.timer'), timer.content);
    const verify = () =>
      execFileSync('systemd-analyze', ['verify', '--man=no', join(dir, 'stagecraft-job-report.timer'), join(dir, 'stagecraft-job-report.service')], {
        env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    // Without the compose project's unit, systemd finds the job's Requires= unmet: the line was read as a setting
    // of its own, not swallowed into the description by a line continuation.
    expect(verify).toThrow(/Unit stagecraft\.service not found/);
    writeFileSync(join(dir, 'stagecraft.service'), '[Unit]\nDescription=stand-in\n[Service]\nType=oneshot\nExecStart=/bin/true\n');
    expect(verify()).toBe('');
  });
});
