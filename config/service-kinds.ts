/**
 * A service's kind (web, worker, job, gateway) and the fields each kind takes (issue 18): a job
 * needs a valid `schedule` and has no public port, health endpoints, scaling or demand; the job
 * fields are refused on the other kinds, which need ports, health and scaling; a worker has no
 * public port. Checked on one validated file, before its definition is built, so a definition
 * always has what its kind needs. Also the application secrets' own rules.
 */
import { isTimeZone, parseCron } from './cron';
import { Problem } from './errors';
import { ServiceKind } from './service-definition';
import { ServiceConfig } from './service-schema';
import { R2_WRITER_SECRET } from './r2-buckets';
import { isSingleHostStage } from './stages';

/** The kind a file names, or the one its fields imply: a schedule → job, a public WebSocket route → gateway, a public port → web, else worker. */
export function serviceKindOf(config: ServiceConfig): ServiceKind {
  if (config.kind) return config.kind;
  if (config.schedule !== undefined) return 'job';
  const ports = config.ports ?? [];
  if (ports.some((p) => p.public === true && p.route?.websocket === true)) return 'gateway';
  if (ports.some((p) => p.public === true)) return 'web';
  return 'worker';
}

/** The fields only a job takes. */
const JOB_FIELDS = ['schedule', 'timeZone', 'concurrencyPolicy', 'deadlineSeconds', 'retries'] as const;

/** Every problem of `config`'s fields against its kind, and of its secrets. */
export function kindProblems(config: ServiceConfig, file: string): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  const kind = serviceKindOf(config);
  const ports = config.ports ?? [];

  if (kind === 'job') {
    if (config.schedule === undefined) add('schedule', 'is required for a job; give a five-field cron expression (e.g. "0 3 * * *")');
    else for (const problem of parseCron(config.schedule).problems) add('schedule', problem);
    if (config.timeZone !== undefined && !isTimeZone(config.timeZone)) {
      add('timeZone', `"${config.timeZone}" is not an IANA time zone; allowed: a zone name such as UTC or Europe/Berlin`);
    }
    ports.forEach((port, i) => {
      if (port.public === true) add(`ports[${i}].public`, 'a job has no public port: it runs to completion and nothing routes to it; allowed: false');
    });
    if (config.health !== undefined) add('health', 'a job runs to completion and has no health endpoints; remove health');
    if (config.scaling !== undefined) add('scaling', 'a job runs one pod per run; remove scaling');
    if (config.demand !== undefined && config.demand.driver !== 'fixed') {
      add('demand.driver', `${config.demand.driver} sizes always-on pods; a job runs on its schedule; allowed: fixed, or no demand`);
    }
    const policy = config.concurrencyPolicy;
    const hostStages = config.stages.filter(isSingleHostStage);
    if (policy !== undefined && policy !== 'Forbid' && hostStages.length > 0) {
      add(
        'concurrencyPolicy',
        `${policy} runs on clusters only; on ${hostStages.join(', ')} a host's timer never starts a run while one runs; allowed: Forbid, or stages without ${hostStages.join(', ')}`,
      );
    }
  } else {
    for (const field of JOB_FIELDS) {
      if (config[field] !== undefined) add(field, `applies to jobs; ${config.name} is a ${kind}: set kind: job and a schedule, or remove ${field}`);
    }
    if (config.ports === undefined) add('ports', `is required for a ${kind}: it needs at least one port (the health endpoints listen on one)`);
    if (config.health === undefined) add('health', `is required for a ${kind}; give the port and the liveness and readiness paths`);
    if (config.scaling === undefined) add('scaling', `is required for a ${kind}; allowed rules: websocket-gateway, api, cpu, queue, fixed`);
  }
  if (kind === 'worker') {
    ports.forEach((port, i) => {
      if (port.public === true)
        add(`ports[${i}].public`, 'a worker has no public port; allowed: false, or kind: web (or gateway) for a service the load balancer reaches');
    });
    const driver = config.demand?.driver;
    if (driver === 'requests' || driver === 'connections')
      add('demand.driver', `${driver} drives a web or gateway service; a worker's load is its queue; allowed: queue, fixed`);
  }

  const secrets = config.secrets ?? [];
  secrets.forEach((secret, i) => {
    const first = secrets.indexOf(secret);
    if (first !== i) add(`secrets[${i}]`, `"${secret}" is already secrets[${first}]; list each secret once`);
    if (secret === R2_WRITER_SECRET) add(`secrets[${i}]`, `"${secret}" is the platform's R2 writer credential (docs/edge.md); choose another name`);
    if (config.env?.[secret] !== undefined)
      add(`secrets[${i}]`, `"${secret}" is also set in env; a name is a plain setting or a secret, not both: remove env.${secret}`);
  });
  return problems;
}
