// Copies a template folder into a new project, renaming the files npm would drop from a package.
import { cp, rename } from 'node:fs/promises';
import path from 'node:path';

// npm never packs .gitignore, so templates store it as _gitignore (as create-vite does).
const RENAMES: Record<string, string> = { _gitignore: '.gitignore' };

// Left behind when someone runs a template in place; never part of a new project.
const SKIPPED = new Set(['node_modules', '.bot', '.env']);

/** Copies `templateDir` into `dest` (which may exist and be empty). */
export async function copyTemplate(templateDir: string, dest: string): Promise<void> {
  await cp(templateDir, dest, {
    recursive: true,
    errorOnExist: true,
    force: false,
    filter: (source) => !SKIPPED.has(path.basename(source)),
  });
  for (const [from, to] of Object.entries(RENAMES)) {
    await rename(path.join(dest, from), path.join(dest, to)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}
