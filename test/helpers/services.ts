/** Test helpers: service catalogs written to temporary directories, from the project's own files. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES_ROOT } from './examples';

/** The example product's service files (examples/chat/services/), by file name. */
export const EXAMPLE_SERVICES_DIR = join(EXAMPLES_ROOT, 'services');

/** The example product's catalog files, by file name. */
export function projectServiceFiles(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(EXAMPLE_SERVICES_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => [f, readFileSync(join(EXAMPLE_SERVICES_DIR, f), 'utf8')]),
  );
}

/**
 * Gives a temporary project the example product's services (`services/`, as `stagecraft init`
 * gives a new project its starter ones): every command reads the services of its project.
 */
export function copyExampleServices(root: string): void {
  mkdirSync(join(root, 'services'), { recursive: true });
  for (const [name, text] of Object.entries(projectServiceFiles())) writeFileSync(join(root, 'services', name), text);
}

/**
 * A project root holding `services/` with the project's catalog, `changes` applied (a file name →
 * new text, or a function of the old text; `null` deletes the file). Returns the root.
 */
export function catalogProject(changes: Record<string, string | null | ((text: string) => string)> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-services-'));
  mkdirSync(join(root, 'services'));
  mkdirSync(join(root, 'environments'));
  const files: Record<string, string> = projectServiceFiles();
  for (const [name, change] of Object.entries(changes)) {
    if (change === null) delete files[name];
    else files[name] = typeof change === 'function' ? change(files[name] ?? '') : change;
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'services', name), text);
  return root;
}
