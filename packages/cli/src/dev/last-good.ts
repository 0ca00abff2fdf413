// The project as it last loaded without errors, copied into the state folder: what a service that crashes while a
// file is broken restarts on, so "a file with an error keeps the old version running" holds across a crash too.
import { statSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Not part of the project's sources: dependencies and build output. Dot entries (`.bot`, `.git`, `.env`) are skipped too. */
const SKIPPED = new Set(['node_modules', 'dist', 'coverage']);

export function lastGoodDir(stateDir: string): string {
  return path.join(stateDir, 'last-good');
}

/**
 * Copies `root`'s sources to {@link lastGoodDir}, replacing the previous copy, unless a file or folder changed after
 * `checkedAt` (when the load that found no errors began): then the copy may hold an unchecked edit, and the previous
 * one stays (the edit's own reload makes the next). Written beside it and renamed, so a service starting meanwhile
 * finds the old copy, the new one, or (for a moment) none, never half of one. Packages resolve from the copy as from
 * the project: it lies inside the project, above whose `node_modules` Node looks. Resolves whether it was replaced.
 */
export async function saveLastGood(root: string, stateDir: string, checkedAt: number): Promise<boolean> {
  const target = lastGoodDir(stateDir);
  const fresh = `${target}-${process.pid}-${Date.now()}`;
  // Half-made copies of a bot dev that was killed while copying.
  const stale = (await readdir(stateDir)).filter((name) => name.startsWith(`${path.basename(target)}-`));
  await Promise.all(stale.map((name) => rm(path.join(stateDir, name), { recursive: true, force: true })));
  // Entry by entry: the copy lies inside the folder it copies, which `cp` of the whole folder refuses.
  const entries = (await readdir(root)).filter((name) => !SKIPPED.has(name) && !name.startsWith('.'));
  await mkdir(fresh, { recursive: true });
  let changed = false;
  const unchanged = (source: string) => {
    if (statSync(source).mtimeMs > checkedAt) changed = true;
    return !changed;
  };
  await Promise.all(entries.map((name) => cp(path.join(root, name), path.join(fresh, name), { recursive: true, filter: unchanged })));
  if (changed) {
    await rm(fresh, { recursive: true, force: true });
    return false;
  }
  await rm(target, { recursive: true, force: true });
  await rename(fresh, target);
  return true;
}
