/**
 * A lock file holding its holder's process id, shared by the test helpers whose work one process
 * does while the others wait (the shared synthesis cache, the run's RabbitMQ node): a lock whose
 * holder died (a run stopped midway) is taken over.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';

/** Creates `lock` holding this process's id; false while a live process holds it (a dead one's lock is removed). */
export function takeLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    // Held: by a live process, or left by one that died (a run stopped mid-synthesis).
  }
  let holder: number;
  let age: number;
  try {
    holder = Number(readFileSync(lock, 'utf8') || NaN);
    age = Date.now() - statSync(lock).mtimeMs;
  } catch {
    return false; // Released meanwhile: try again.
  }
  // An empty lock is one being written, unless it has been empty for a while.
  if (Number.isNaN(holder) ? age < 10_000 : isAlive(holder)) return false;
  rmSync(lock, { force: true });
  return false;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
