/** Writes the report directory atomically: files go to a staging directory that then replaces --out. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Problem } from '../config/errors';
import { checkOutputDirectory, outputProblem, writeOutputDirectory } from '../synthesis/output-directory';

/** Why `out` cannot take a report, or undefined when it can (synthesis/output-directory.ts has the rules). */
export function outProblem(command: string, out: string, cwd: string): Problem | undefined {
  return outputProblem(out, { command, flag: '--out', kind: 'report', cwd });
}

/** Writes `files` (relative path → content) as the whole of `out` (checked again); returns each file's size in bytes. */
export function writeReport(command: string, out: string, cwd: string, files: ReadonlyMap<string, string>): Array<{ file: string; bytes: number }> {
  const target = checkOutputDirectory(out, { command, flag: '--out', kind: 'report', cwd });
  return writeOutputDirectory(target, (staging) =>
    [...files].map(([file, content]) => {
      const path = join(staging, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return { file, bytes: Buffer.byteLength(content) };
    }),
  );
}
