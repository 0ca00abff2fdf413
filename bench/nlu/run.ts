// bench/nlu: inputbot's NLU and NLP.js on CLINC150 and SNIPS, as bot projects; prints a table.
// Usage: npm run nlu -w bench [-- --dataset clinc150|snips] [--skip-peer]
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DATASETS, type DatasetName, writeProject } from './datasets.ts';
import type { EngineFigures } from './figures.ts';
import { formatReport, type Result } from './report.ts';
import type { EngineName } from './run-one.ts';

const { values } = parseArgs({
  options: { dataset: { type: 'string' }, 'skip-peer': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
});
const datasets = values.dataset ? [values.dataset as DatasetName] : DATASETS;
if (datasets.some((d) => !DATASETS.includes(d))) throw new Error(`--dataset must be one of ${DATASETS.join(', ')}`);
const engines: EngineName[] = values['skip-peer'] ? ['inputbot'] : ['inputbot', 'nlpjs'];

const dir = await mkdtemp(path.join(os.tmpdir(), 'inputbot-bench-nlu-'));
const results: Result[] = [];
try {
  for (const dataset of datasets) {
    const root = await writeProject(dataset, dir);
    for (const engine of engines) {
      process.stderr.write(`${dataset}: ${engine} training and testing...\n`);
      results.push({ dataset, engine, figures: runOne(engine, root) });
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.stdout.write(values.json ? `${JSON.stringify(results, null, 2)}\n` : formatReport(results));

// Each engine runs in a fresh process (this one's loader flags), so memory and JIT state are its own.
function runOne(engine: EngineName, root: string): EngineFigures {
  const script = path.join(import.meta.dirname, 'run-one.ts');
  const child = spawnSync(process.execPath, [...process.execArgv, script, engine, root], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`${engine} on ${root} failed (exit ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as EngineFigures;
}
