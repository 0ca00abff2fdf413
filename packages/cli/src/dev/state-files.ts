// Opens the broker and store of a project's state folder for the inspection commands (status, traces, dlq).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Broker, createSqliteBroker } from '@inputbot/runtime/broker';
import { createSqliteStore, type Store } from '@inputbot/runtime/store';
import { CliError } from '../errors.ts';

export function stateDirOf(root: string): string {
  return path.join(root, '.bot');
}

/** Runs `use` with the project's broker, closing it after; a usage error when the bot never ran. */
export async function withBroker<T>(root: string, use: (broker: Broker) => Promise<T>): Promise<T> {
  const file = path.join(stateDirOf(root), 'broker.db');
  if (!existsSync(file)) throw new CliError('NO_STATE', `no broker state in ${path.dirname(file)}: start the bot with bot dev first`);
  const broker = createSqliteBroker({ path: file });
  try {
    return await use(broker);
  } finally {
    await broker.close();
  }
}

export async function withStore<T>(root: string, use: (store: Store) => Promise<T>): Promise<T> {
  const file = path.join(stateDirOf(root), 'state.db');
  if (!existsSync(file)) throw new CliError('NO_STATE', `no state in ${path.dirname(file)}: start the bot with bot dev first`);
  // Looking only: the running services prune, an inspection command (a long `traces --follow`) must not delete beside them.
  const store = createSqliteStore({ path: file, prune: false });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
