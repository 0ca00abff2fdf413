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

/** The folder of a command that takes it both ways, `bot usage examples/ops-bot` or `bot usage -C examples/ops-bot`. */
export function projectDirOf(positional: string | undefined, option: string): string {
  if (positional !== undefined && option !== '.' && path.resolve(positional) !== path.resolve(option)) {
    throw new CliError('PROJECT_DIR_TWICE', `two project folders given: ${positional} and -C ${option}; pass one`);
  }
  return resolveProjectDir(positional ?? option);
}
