/**
 * A scheduled job runs once per schedule on a stage of several hosts: every host gets the same
 * release and so the job's timer, and only the first host lacks the marker that makes systemd skip
 * the run. systemd itself evaluates the unit's condition (`systemd-analyze condition`), against
 * each host's cloud-init as synthesized.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseEnvironment } from '../../config/load';
import { loadServiceCatalog } from '../../config/services';
import { ServiceDefinition } from '../../config/service-definition';
import { jobUnits, JOBS_ELSEWHERE_MARKER } from '../../services/host-timers';
import { sizeEnvironments } from '../../sizing/blueprint';
import { buildApp } from '../../stacks/app';
import { PROJECT_ROOT } from '../helpers/examples';
import { userDataText } from '../helpers/host-user-data';

const PHOTO_SERVICES = join(PROJECT_ROOT, 'test', 'fixtures', 'photo-sharing', 'services');

type Json = Record<string, any>;

let tmp: string;
let hostFiles: Array<Array<{ path: string; content: string }>>;
let job: ServiceDefinition;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'stagecraft-jobs-once-'));
  const services = join(tmp, 'services');
  mkdirSync(services);
  cpSync(join(PHOTO_SERVICES, 'nightly-digest.yaml'), join(services, 'nightly-digest.yaml'));
  // The photo product's web without its call to the api: a catalog of one web service and the job.
  const web = readFileSync(join(PHOTO_SERVICES, 'web.yaml'), 'utf8').replace(/^calls: \[api\]\n/m, '');
  writeFileSync(join(services, 'web.yaml'), web);
  const catalog = loadServiceCatalog(services, tmp);
  expect(catalog.problems).toEqual([]);
  const yaml = [
    'name: jobs-once',
    'stage: traction',
    'regions: [eu-central-1]',
    'domain: jobs.example',
    'aws:',
    '  accountId: "111122223333"',
    'compute:',
    '  hosts: 2',
    '',
  ].join('\n');
  const { environment, problems } = parseEnvironment(yaml, 'environments/jobs-once.yaml', catalog);
  expect(problems).toEqual([]);
  const outdir = join(tmp, 'cdktf.out');
  buildApp(sizeEnvironments([environment!]), { outdir, state: { outdir, stateDir: tmp } }).app.synth();
  const stack = JSON.parse(readFileSync(join(outdir, 'stacks', 'jobs-once-eu-central-1', 'cdk.tf.json'), 'utf8')) as Json;
  const templates = Object.values(stack.resource.aws_launch_template as Json).sort((a, b) =>
    String(a.name_prefix ?? a.name).localeCompare(String(b.name_prefix ?? b.name)),
  );
  hostFiles = templates.map((t) => (parse(userDataText(String(t.user_data))) as { write_files: Array<{ path: string; content: string }> }).write_files);
  job = catalog.services.find((s) => s.name === 'nightly-digest')!;
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Whether systemd would start the job's run on a host with these files (the marker's path moved under `root`). */
function systemdRunsTheJob(files: Array<{ path: string }>, root: string): boolean {
  const [service] = jobUnits(job, '/usr/bin/docker compose', 'stagecraft.service');
  const conditions = service.content.split('\n').filter((line) => line.startsWith('Condition'));
  expect(conditions.length).toBeGreaterThan(0);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  if (files.some((f) => f.path === JOBS_ELSEWHERE_MARKER)) writeFileSync(join(root, 'marker'), 'x');
  const moved = conditions.map((c) => c.replace(JOBS_ELSEWHERE_MARKER, join(root, 'marker')));
  try {
    execFileSync('systemd-analyze', ['condition', ...moved], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('jobs on a stage of several hosts', () => {
  it('are started by systemd on exactly one of the two hosts', () => {
    expect(hostFiles).toHaveLength(2);
    const runs = hostFiles.map((files, i) => systemdRunsTheJob(files, join(tmp, `host-${i}`)));
    expect(runs).toEqual([true, false]);
  });
});
