/** Runs a command as a cold process and measures its wall time and peak resident memory. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time reports the peak RSS of the largest process of the tree (ru_maxrss of the waited children). */
const GNU_TIME = '/usr/bin/time';

/** One run of a process. */
export interface ProcessRun {
  readonly wallMs: number;
  /** Peak RSS in MB; undefined where /usr/bin/time is missing. */
  readonly peakRssMb?: number;
  /** User + system CPU time of the process tree, ms: what the run cost whatever else the machine was doing. */
  readonly cpuMs?: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args` in `cwd` and waits; throws when it exits non-zero (a benchmark of a failure means nothing). */
export function runProcess(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; allowFailure?: boolean }): ProcessRun {
  const scratch = mkdtempSync(join(tmpdir(), 'stagecraft-bench-time-'));
  const rssFile = join(scratch, 'usage');
  const useTime = existsSync(GNU_TIME);
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, [...args]];
  const started = process.hrtime.bigint();
  const result = spawnSync(file, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const rssText = useTime && existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n').pop() : undefined;
  rmSync(scratch, { recursive: true, force: true });
  const code = result.status ?? 1;
  if (code !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${(result.stderr ?? '').slice(-2000)}`);
  }
  const [peakKb, userS, systemS] = (rssText ?? '').split(' ').map(Number);
  const cpuS = userS + systemS;
  return {
    wallMs,
    peakRssMb: Number.isFinite(peakKb) ? peakKb / 1024 : undefined,
    cpuMs: Number.isFinite(cpuS) ? cpuS * 1000 : undefined,
    code,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
  };
}

/** The synthesized stack files of a synthesis directory. */
export function stackFiles(outdir: string): string[] {
  const stacks = join(outdir, 'stacks');
  return readdirSync(stacks)
    .map((name) => join(stacks, name, 'cdk.tf.json'))
    .filter((file) => existsSync(file));
}

/** Total bytes of a synthesis's stack files. */
export function synthesisBytes(outdir: string): number {
  return stackFiles(outdir).reduce((n, file) => n + statSync(file).size, 0);
}

/**
 * The physical floor of a synthesis: native JSON.stringify (2-space indent, as cdktf writes)
 * plus writeFileSync of the same documents, timed in this process. Returns milliseconds.
 */
export function jsonWriteFloorMs(outdir: string): number {
  const documents = stackFiles(outdir).map((file) => JSON.parse(readFileSync(file, 'utf8')) as unknown);
  const scratch = mkdtempSync(join(tmpdir(), 'stagecraft-bench-json-'));
  try {
    const started = process.hrtime.bigint();
    documents.forEach((document, i) => writeFileSync(join(scratch, `${i}.json`), JSON.stringify(document, null, 2)));
    return Number(process.hrtime.bigint() - started) / 1e6;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
