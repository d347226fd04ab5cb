/** Writes the report directory atomically: files go to a staging directory that then replaces --out. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Problem } from '../config/errors';
import { swapInto } from '../stacks/synthesize';

/** Present in every report directory: --out may replace a directory only when it holds this file (or nothing). */
export const REPORT_MARKER = '.stagecraft-report';

/** Why `out` cannot take a report, or undefined when it can. */
export function outProblem(command: string, out: string, cwd: string): Problem | undefined {
  const dir = resolve(cwd, out);
  const problem = (message: string): Problem => ({ file: command, path: '--out', message });
  if (!existsSync(dir)) return existsSync(dirname(dir)) ? undefined : problem(`the parent directory of ${out} does not exist`);
  if (!statSync(dir).isDirectory()) return problem(`${out} is not a directory; give a directory for the report (it is created when missing)`);
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(REPORT_MARKER)) return problem(`${out} is not empty and holds no earlier report; give an empty or new directory`);
  return undefined;
}

/** Writes `files` (relative path → content) as the whole of `out`; returns each file's size in bytes. */
export function writeReport(out: string, files: ReadonlyMap<string, string>): Array<{ file: string; bytes: number }> {
  const dir = resolve(out);
  const staging = mkdtempSync(join(dirname(dir), `.${basename(dir)}.staging-`));
  try {
    const sizes = [...files].map(([file, content]) => {
      const path = join(staging, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return { file, bytes: Buffer.byteLength(content) };
    });
    writeFileSync(join(staging, REPORT_MARKER), 'Written by `stagecraft report`; the next report replaces this directory.\n');
    swapInto(staging, dir);
    return sizes;
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}
