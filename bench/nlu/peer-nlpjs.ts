// The peer: NLP.js (@nlpjs/nlp + @nlpjs/lang-en, threshold 0.5) trained and tested on the same project.
import type { Project } from '@inputbot/runtime/project';
// @ts-expect-error NLP.js ships no types
import { LangEn } from '@nlpjs/lang-en';
// @ts-expect-error NLP.js ships no types
import { Nlp } from '@nlpjs/nlp';
import type { EngineFigures } from './figures.ts';
import { percentile } from './figures.ts';

interface NlpJs {
  container: { use(plugin: unknown): void };
  addLanguage(locale: string): void;
  addDocument(locale: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, text: string): Promise<{ intent: string; score: number }>;
}

/** Intent figures only: NLP.js learns no entities from annotated examples. */
export async function runNlpjs(project: Project): Promise<EngineFigures> {
  const nlp = new Nlp({ languages: ['en'], autoSave: false, autoLoad: false, threshold: 0.5, nlu: { log: false } }) as NlpJs;
  nlp.container.use(LangEn);
  for (const e of project.examples) nlp.addDocument('en', e.text, e.intent);
  const started = performance.now();
  await nlp.train();
  const trainMs = performance.now() - started;
  const latencies: number[] = [];
  let correct = 0;
  let inScope = 0;
  let inScopeCorrect = 0;
  let outOfScope = 0;
  let outOfScopeFound = 0;
  for (const fixture of project.fixtures) {
    const t = performance.now();
    const answer = await nlp.process('en', fixture.text);
    latencies.push(performance.now() - t);
    const intent = answer.intent === 'None' ? 'none' : answer.intent;
    if (intent === fixture.intent) correct++;
    if (fixture.intent === 'none') {
      outOfScope++;
      if (intent === 'none') outOfScopeFound++;
    } else {
      inScope++;
      if (intent === fixture.intent) inScopeCorrect++;
    }
  }
  return {
    intentAccuracy: correct / project.fixtures.length,
    inScopeAccuracy: inScope ? inScopeCorrect / inScope : null,
    outOfScopeRecall: outOfScope ? outOfScopeFound / outOfScope : null,
    entityF1: null,
    trainMs,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}
