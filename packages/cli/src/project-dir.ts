// Resolves the project folder a command works on, with a usage error when it is not there.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './errors.ts';

export function resolveProjectDir(dir: string): string {
  const abs = path.resolve(dir);
  if (!existsSync(abs)) throw new CliError('PROJECT_NOT_FOUND', `${dir}: no such folder`);
  if (!statSync(abs).isDirectory()) throw new CliError('PROJECT_NOT_FOUND', `${dir}: not a folder (pass the project folder)`);
  return abs;
}
