/**
 * The mirror's AWS provider, started once and attached to many terraform runs. Every terraform
 * command that loads hashicorp/aws otherwise starts the ~700 MB binary itself, once per provider
 * configuration and walk (a plan: schema, validate walk, plan walk), ~0.7–2 CPU s each time. The
 * provider's own `-debug` flag serves it in managed debug mode and prints a `TF_REATTACH_PROVIDERS`
 * value; terraform then connects to that process instead of starting one (and never stops it).
 *
 * One process serves one terraform command at a time (offline.ts gives each check slot its own),
 * and one configuration: the provider keeps the configuration of its last `ConfigureProvider`
 * call, so two runs at once, or two different configurations in one run (aliases with other
 * regions or default tags), would plan with each other's settings. By default terraform reaches
 * the slot's processes through the schema proxy (aws-schema-proxy.ts), which gives each
 * configuration terraform configures a process of its own, and serves each root module the
 * provider schema of only the types it names. The provider stays the real one: it validates and
 * plans every resource, and terraform core checks the configuration against the provider's real
 * schema of every type the stack uses, exactly as before (a type the provider lacks is still
 * absent, and refused with terraform's own error). With STAGECRAFT_TRIM_AWS_SCHEMA=0 terraform
 * attaches to one process directly, and offline.ts attaches only stacks with one AWS
 * configuration. test/terraform/offline.test.ts proves the plans identical to unattached ones.
 *
 * The process is started with the run's terraform environment (no inherited AWS_* settings: an
 * AWS_CA_BUNDLE makes a second ConfigureProvider fail with "unable to add custom RootCAs
 * HTTPClient"), dies with its parent where Linux allows (`setpriv --pdeathsig`), and is killed by
 * close(); a provider that exits early is reported by exitReason() instead of leaving a run waiting.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** How long the provider may take to print its reattach line (it loads ~700 MB; a loaded machine is slow). */
const START_TIMEOUT_MS = 120 * 1000;
const SETPRIV = '/usr/bin/setpriv';

/** A running AWS provider that terraform attaches to. */
export interface AttachedAwsProvider {
  /** The process id of the provider (not of a wrapper). */
  readonly pid: number;
  /** The `TF_REATTACH_PROVIDERS` entry: `{ "registry.terraform.io/hashicorp/aws": … }`. */
  readonly reattach: Readonly<Record<string, unknown>>;
  /** Undefined while it runs; once it has exited, how (`exited with code 2`, `killed by SIGKILL`) and the end of its output. */
  exitReason(): string | undefined;
  /** exitReason() once it has exited, or after `ms` if it is still running: a run that failed because its provider died may end a moment before the process is reaped. */
  exitReasonWithin(ms: number): Promise<string | undefined>;
  /** Stops the process and waits for it to be gone. */
  close(): Promise<void>;
}

/** The provider binary of an unpacked mirror (`<mirror>/registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/`), or undefined. */
export function awsProviderBinary(mirror: string, version: string): string | undefined {
  const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  const dir = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', version, `${process.platform}_${goArch[process.arch] ?? process.arch}`);
  try {
    const binary = fs.readdirSync(dir).find((f) => f.startsWith(`terraform-provider-aws_v${version}`));
    if (!binary) return undefined;
    const file = path.join(dir, binary);
    fs.accessSync(file, fs.constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

/** The reattach entry from the provider's debug output (`TF_REATTACH_PROVIDERS='{…}'`), or undefined. */
export function parseReattachLine(output: string): Record<string, unknown> | undefined {
  const match = /TF_REATTACH_PROVIDERS='(\{.*\})'/.exec(output);
  if (!match) return undefined;
  try {
    return JSON.parse(match[1]) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code}`;
}

/**
 * The provider's own logging, off. In debug mode nobody filters it (a provider that terraform starts
 * writes its logs to terraform, which drops them below its TF_LOG level), so the SDK logged at trace
 * level: 13–28 MB of JSON per check slot, formatted and written for a file deleted unread. The
 * reattach line and a crash's panic are written to the output directly, not through these loggers.
 */
export const QUIET_PROVIDER_LOGS: Readonly<Record<string, string>> = {
  TF_LOG_PROVIDER: 'off',
  TF_LOG_SDK: 'off',
  TF_LOG_SDK_PROTO: 'off',
  TF_LOG_SDK_MUX: 'off',
  TF_LOG_SDK_FRAMEWORK: 'off',
  TF_LOG_SDK_HELPER_SCHEMA: 'off',
  TF_LOG_AWS_AUTOFLEXO: 'off',
};

/** Starts `binary -debug` in `env` (its logging off) and resolves once it serves; rejects (with its output) when it cannot. */
export function startAwsProvider(binary: string, env: NodeJS.ProcessEnv): Promise<AttachedAwsProvider> {
  // Its output goes to a file, never a pipe: in debug mode the provider writes every log line itself,
  // and a pipe nobody reads (a parent blocked in spawnSync) would stop it mid-plan.
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-aws-provider-'));
  const logFile = path.join(logDir, 'provider.log');
  const log = fs.openSync(logFile, 'w');
  // With setpriv the provider gets SIGKILL when this process dies, even without a chance to close it.
  const [command, args] =
    process.platform === 'linux' && fs.existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', binary, '-debug']] : [binary, ['-debug']];
  const child: ChildProcess = spawn(command, args, { env: { ...env, ...QUIET_PROVIDER_LOGS }, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = describeExit(code, signal);
      resolve();
    });
    child.on('error', (error) => {
      exit ??= `could not start (${error.message})`;
      resolve();
    });
  });
  const output = (): string => {
    try {
      return fs.readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const tail = (): string =>
    output()
      .trim()
      .split('\n')
      .filter((line) => line.trim())
      .slice(-3)
      .join(' | ')
      .slice(-1000);
  // Killed synchronously when this process exits without closing it (where setpriv is missing).
  const killOnExit = (): void => {
    if (exit === undefined) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (exit === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => exit === undefined && child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(logDir, { recursive: true, force: true });
    })());
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      const reattach = parseReattachLine(output());
      if (reattach && exit === undefined) {
        const entry = Object.values(reattach)[0] as { Pid?: number } | undefined;
        const exitReason = (): string | undefined => (exit === undefined ? undefined : `${exit}${tail() ? `; its last output: ${tail()}` : ''}`);
        resolve({
          pid: entry?.Pid ?? (child.pid as number),
          reattach,
          exitReason,
          exitReasonWithin: async (ms) => {
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([exited, new Promise<void>((done) => (timer = setTimeout(done, ms)))]);
            clearTimeout(timer);
            return exitReason();
          },
          close,
        });
        return;
      }
      if (exit !== undefined || Date.now() - started > START_TIMEOUT_MS) {
        const why = exit ?? `printed no reattach configuration within ${START_TIMEOUT_MS / 1000} s`;
        const last = tail();
        void close().then(() => reject(new Error(`the AWS provider ${binary} ${why} before it served${last ? `: ${last}` : ''}`)));
        return;
      }
      setTimeout(poll, 25);
    };
    poll();
  });
}
