// One engine on one dataset project, in its own process so peak memory is its own; prints JSON figures.
import { loadProject } from '@inputbot/runtime/project';
import { runNluTest } from '@inputbot/runtime/testing';
import type { EngineFigures } from './figures.ts';
import { runNlpjs } from './peer-nlpjs.ts';

export type EngineName = 'inputbot' | 'nlpjs';

async function main(engine: EngineName, root: string): Promise<EngineFigures> {
  const { project, problems } = await loadProject(root, { actions: false });
  const errors = problems.filter((p) => p.severity === 'error');
  if (!project || errors.length)
    throw new Error(
      `cannot load ${root}: ${errors
        .map((p) => p.message)
        .slice(0, 3)
        .join('; ')}`,
    );
  if (engine === 'nlpjs') return runNlpjs(project);
  // The same path as `bot test`: train (no cache), then score every fixture.
  const report = await runNluTest(project);
  return {
    intentAccuracy: report.intent.accuracy,
    inScopeAccuracy: report.intent.inScopeAccuracy,
    outOfScopeRecall: report.outOfScope.support ? report.outOfScope.recall : null,
    entityF1: report.entities.f1,
    trainMs: report.training.ms,
    p50Ms: report.latency.p50Ms,
    p99Ms: report.latency.p99Ms,
  };
}

const [engine, root] = process.argv.slice(2) as [EngineName, string];
const figures = await main(engine, root);
figures.peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify(figures)}\n`);
