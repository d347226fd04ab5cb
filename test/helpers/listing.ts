/** Test helper: a directory tree as text, to prove that something left it exactly as it was. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every path under `dir` with its size and modification time: equal listings mean nothing changed. */
export function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const stats = statSync(path);
      out.push(`${relative(dir, path)} ${stats.isDirectory() ? 'dir' : stats.size} ${stats.mtimeMs}`);
      if (stats.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out;
}
