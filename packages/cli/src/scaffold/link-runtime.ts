// Links a new project to the packages of this CLI's repository checkout, so it runs with no install.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the workspace packages are: both outside any node_modules folder. */
export interface Workspace {
  cli: string;
  runtime: string;
}

export interface LinkResult {
  linked: string[];
  /** Dependencies that could not be found from this CLI: `npm install` fetches them. */
  missing: string[];
}

/** The repository checkout this CLI runs from, or undefined when it is an installed package. */
export function findWorkspace(): Workspace | undefined {
  // This module is src/scaffold/*.ts or dist/scaffold/*.js: the package root is two folders up.
  const cli = realpathSync(fileURLToPath(new URL('../..', import.meta.url)));
  const runtime = packageRoot('@inputbot/runtime', [cli]);
  if (!runtime || inNodeModules(cli) || inNodeModules(runtime)) return undefined;
  return { cli, runtime };
}

/**
 * Symlinks every dependency of the project's package.json into its node_modules: the @inputbot
 * packages to the workspace, the others from where the CLI or the runtime resolve them; and each
 * linked package's bins into node_modules/.bin.
 */
export async function linkDependencies(projectDir: string, workspace: Workspace): Promise<LinkResult> {
  const pkg = JSON.parse(await readFile(path.join(projectDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  const result: LinkResult = { linked: [], missing: [] };
  for (const name of names) {
    const known: Record<string, string> = { '@inputbot/cli': workspace.cli, '@inputbot/runtime': workspace.runtime };
    const source = known[name] ?? packageRoot(name, [workspace.cli, workspace.runtime]);
    if (!source) {
      result.missing.push(name);
      continue;
    }
    const link = path.join(projectDir, 'node_modules', name);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(source, link, 'junction');
    await linkBins(projectDir, name, source);
    result.linked.push(name);
  }
  return result;
}

async function linkBins(projectDir: string, name: string, source: string): Promise<void> {
  const { bin } = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  if (!bin) return;
  const bins = typeof bin === 'string' ? { [name.split('/').pop() as string]: bin } : bin;
  const binDir = path.join(projectDir, 'node_modules', '.bin');
  await mkdir(binDir, { recursive: true });
  // Relative, as npm writes them, so the project can be moved.
  for (const [command, file] of Object.entries(bins)) await symlink(path.join('..', name, file), path.join(binDir, command));
}

/** The real folder of package `name` as seen from any of `fromDirs`, or undefined. */
function packageRoot(name: string, fromDirs: string[]): string | undefined {
  for (const from of fromDirs) {
    const require = createRequire(path.join(from, 'package.json'));
    try {
      return path.dirname(realpathSync(require.resolve(`${name}/package.json`)));
    } catch {
      // An exports map may hide package.json: find the entry point and walk up to its package.
      try {
        return findPackageDir(require.resolve(name), name);
      } catch {}
    }
  }
  return undefined;
}

function findPackageDir(file: string, name: string): string | undefined {
  for (let dir = path.dirname(realpathSync(file)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
  }
  return undefined;
}

function inNodeModules(dir: string): boolean {
  return dir.split(path.sep).includes('node_modules');
}
