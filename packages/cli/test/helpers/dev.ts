// Starts `bot dev` as a user would, collecting its output, for the tests that run the whole bot.
import { type ChildProcess, spawn } from 'node:child_process';
import { BOT_BIN } from './cli.ts';

export interface DevRun {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
  exited: Promise<number | null>;
}

export function startDev(root: string, port: number, options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): DevRun {
  const child = spawn(process.execPath, [BOT_BIN, 'dev', '--port', String(port), ...(options.args ?? [])], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}
