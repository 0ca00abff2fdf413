// Writes a new project all at once: built in a temporary sibling folder, then moved into place.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, readlink, rename, rm, rmdir, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { CliError, EXIT } from '../errors.ts';

/**
 * Runs `build` on an empty temporary folder next to `target`, then puts the result at `target`: a
 * rename when the target is absent or empty, else (with --force) a copy over it once the build is
 * complete and nothing in it clashes. On any failure the temporary folder, and any parent folders
 * created for it, are removed, so a failed init leaves nothing behind.
 */
export async function writeProject(target: string, build: (dir: string) => Promise<void>): Promise<void> {
  const createdParent = await mkdir(path.dirname(target), { recursive: true });
  // Not mkdtemp: its 0700 mode would become the project's; mkdir applies the user's umask.
  const temp = path.join(path.dirname(target), `.bot-init-${randomBytes(4).toString('hex')}`);
  await mkdir(temp);
  const leftovers = createdParent ?? temp;
  // Ctrl-C while files are written: the process dies before any finally runs, so clean up here.
  const onSignal = () => {
    rmSync(leftovers, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  try {
    await build(temp);
    await placeInto(temp, target);
  } catch (error) {
    await rm(leftovers, { recursive: true, force: true });
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

async function placeInto(temp: string, target: string): Promise<void> {
  const entries = await readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (entries?.length === 0) await rmdir(target);
  if (!entries?.length) {
    await rename(temp, target);
    return;
  }
  const clashes = await findClashes(temp, target);
  if (clashes.length) {
    const list = clashes.slice(0, 3).join(', ') + (clashes.length > 3 ? `, … (${clashes.length} in all)` : '');
    throw new CliError('TARGET_CLASH', `cannot write over ${list} in ${target}: a file and a folder of the same name; nothing was changed`, EXIT.failed);
  }
  await copyOver(temp, target);
  await rm(temp, { recursive: true, force: true });
}

/** Paths that are a folder on one side and not on the other: copying over them would stop half-way. */
async function findClashes(from: string, to: string, rel = ''): Promise<string[]> {
  const clashes: string[] = [];
  for (const entry of await readdir(path.join(from, rel), { withFileTypes: true })) {
    const relPath = path.join(rel, entry.name);
    const existing = await stat(path.join(to, relPath)).catch(() => undefined);
    if (!existing || entry.isSymbolicLink()) continue;
    if (entry.isDirectory() !== existing.isDirectory()) clashes.push(relPath);
    else if (entry.isDirectory()) clashes.push(...(await findClashes(from, to, relPath)));
  }
  return clashes;
}

// Links (node_modules) that already exist in the target are kept: they are the user's installation.
async function copyOver(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isDirectory()) {
      await mkdir(dest, { recursive: true });
      await copyOver(source, dest);
    } else if (entry.isSymbolicLink()) {
      if (!(await lstat(dest).catch(() => undefined))) await symlink(await readlink(source), dest);
    } else {
      await copyFile(source, dest);
    }
  }
}
