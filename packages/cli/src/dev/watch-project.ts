// Watches a project's sources and says which services a change concerns, debounced.
import path from 'node:path';
import { CONFIG_FILES } from '@inputbot/runtime/project';
import { watch } from 'chokidar';

export type ReloadTarget = 'nlp' | 'executor';

/** Which services must reload when `file` (relative to the project root) changes. */
export function targetsFor(file: string): ReloadTarget[] {
  const top = file.split(path.sep)[0];
  if (top === 'data') return ['nlp'];
  if (top === 'intents' || CONFIG_FILES.some((name) => name === top)) return ['nlp', 'executor'];
  if (top === 'actions' || top === 'lib') return ['executor'];
  return [];
}

/** Calls `onChange` with the changed files and their targets, at most once per `debounceMs`. */
export function watchProject(root: string, onChange: (files: string[], targets: Set<ReloadTarget>) => void, debounceMs = 50) {
  const watcher = watch(['intents', 'data', 'actions', 'lib', ...CONFIG_FILES], { cwd: root, ignoreInitial: true });
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  watcher.on('all', (_event, file) => {
    if (typeof file !== 'string') return;
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...pending];
      pending = new Set();
      const targets = new Set(files.flatMap(targetsFor));
      if (targets.size) onChange(files, targets);
    }, debounceMs);
  });
  return {
    ready: new Promise<void>((resolve) => watcher.once('ready', () => resolve())),
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
