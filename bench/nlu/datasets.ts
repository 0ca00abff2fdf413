// Turns the public datasets into bot projects (config, annotated training data, fixtures) in a folder.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type DatasetName = 'clinc150' | 'snips';
export const DATASETS: DatasetName[] = ['clinc150', 'snips'];

/** Where the raw data lives: `<repo>/../shared/data`, or `$INPUTBOT_DATA`. */
export const DATA_DIR = process.env.INPUTBOT_DATA ?? path.resolve(import.meta.dirname, '../../../shared/data');

/**
 * The CLINC150 project's out-of-scope threshold, picked on `val`/`oos_val` by `npm run nlu:tune -w bench`:
 * the highest threshold that keeps val in-scope accuracy within 0.75 points of no threshold at all.
 */
export const CLINC_THRESHOLD = 0.3;

interface Fixture {
  text: string;
  intent: string;
  entities?: Record<string, string | string[]>;
}

interface Example {
  intent: string;
  /** With inline annotations: `[surface](entity)`. */
  text: string;
}

/** Writes the dataset as a project under `dir` and returns its root. */
export async function writeProject(name: DatasetName, dir: string): Promise<string> {
  const root = path.join(dir, name);
  const { train, test, threshold } = name === 'clinc150' ? readClinc() : readSnips();
  await mkdir(path.join(root, 'data'), { recursive: true });
  await mkdir(path.join(root, 'fixtures'), { recursive: true });
  await writeFile(path.join(root, 'bot.config.ts'), `export default { name: '${name}', nlu: { threshold: ${threshold} } };\n`);
  await writeFile(path.join(root, 'data', 'train.jsonl'), jsonl(train));
  await writeFile(path.join(root, 'fixtures', 'test.jsonl'), jsonl(test));
  return root;
}

function jsonl(records: readonly object[]): string {
  return `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
}

// CLINC150 "full": train + oos_train (as `none`); test + oos_test. Its text has no entities.
function readClinc(): { train: Example[]; test: Fixture[]; threshold: number } {
  const data = JSON.parse(readFileSync(path.join(DATA_DIR, 'clinc150', 'data_full.json'), 'utf8')) as Record<string, [string, string][]>;
  const intent = (label: string) => (label === 'oos' ? 'none' : label);
  const split = (...names: string[]) => names.flatMap((n) => data[n] ?? []);
  return {
    train: split('train', 'oos_train').map(([text, label]) => ({ intent: intent(label), text: escapeText(text) })),
    test: split('test', 'oos_test').map(([text, label]) => ({ text, intent: intent(label) })),
    threshold: CLINC_THRESHOLD,
  };
}

const SNIPS_INTENTS = ['AddToPlaylist', 'BookRestaurant', 'GetWeather', 'PlayMusic', 'RateBook', 'SearchCreativeWork', 'SearchScreeningEvent'];

interface SnipsChunk {
  text: string;
  entity?: string;
}

// SNIPS 2017-06: train_<Intent>_full.json for training, validate_<Intent>.json as the test set.
// The default threshold: SNIPS has no out-of-scope examples to pick another one on.
function readSnips(): { train: Example[]; test: Fixture[]; threshold: number } {
  const train: Example[] = [];
  const test: Fixture[] = [];
  for (const name of SNIPS_INTENTS) {
    const intent = name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    for (const utterance of readSnipsFile(name, `train_${name}_full.json`)) {
      train.push({ intent, text: utterance.map((c) => (c.entity ? `[${c.text}](${c.entity})` : escapeText(c.text))).join('') });
    }
    for (const utterance of readSnipsFile(name, `validate_${name}.json`)) {
      const entities: Record<string, string | string[]> = {};
      for (const chunk of utterance) {
        if (!chunk.entity) continue;
        const value = chunk.text.trim();
        const seen = entities[chunk.entity];
        entities[chunk.entity] = seen === undefined ? value : ([] as string[]).concat(seen, value);
      }
      test.push({ text: utterance.map((c) => c.text).join(''), intent, entities });
    }
  }
  return { train, test, threshold: 0.5 };
}

function readSnipsFile(intent: string, file: string): SnipsChunk[][] {
  const bytes = readFileSync(path.join(DATA_DIR, 'snips', '2017-06-custom-intent-engines', intent, file));
  // PlayMusic's full training file is Latin-1, the rest UTF-8.
  const text = file === 'train_PlayMusic_full.json' ? bytes.toString('latin1') : bytes.toString('utf8');
  const parsed = JSON.parse(text) as Record<string, { data: SnipsChunk[] }[]>;
  return (parsed[intent] ?? []).map((u) => u.data);
}

// A literal "[x](y)" in plain text would read as an annotation; a space after "]" keeps it literal.
function escapeText(text: string): string {
  return text.replace(/\]\(/g, '] (');
}
