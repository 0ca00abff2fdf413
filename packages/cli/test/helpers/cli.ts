// Runs the built `bot` binary as a user would, and writes throwaway projects for it to work on.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../../../..');
export const BOT_BIN = path.join(REPO_ROOT, 'packages/cli/bin/bot.js');

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `bot ...args` in `cwd` with colours off; resolves when the process exits. `bin` runs another `bot`
 * executable instead of this repository's (a project's linked `node_modules/.bin/bot`, as `npx bot` would).
 */
export function runBot(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; bin?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const [command, commandArgs] = options.bin ? [options.bin, args] : [process.execPath, [BOT_BIN, ...args]];
    const child = spawn(command, commandArgs, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Writes a bot project into a new temporary folder. `@inputbot/runtime` is linked from this
 * repository, as `bot init` links it, so the project runs offline.
 */
export async function writeProject(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'inputbot-test-'));
  await mkdir(path.join(root, 'node_modules/@inputbot'), { recursive: true });
  await symlink(path.join(REPO_ROOT, 'packages/runtime'), path.join(root, 'node_modules/@inputbot/runtime'), 'dir');
  const all = { 'package.json': JSON.stringify({ name: 'test-bot', private: true, type: 'module' }), ...files };
  for (const [name, content] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
  return root;
}
