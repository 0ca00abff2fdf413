// k-fold cross-validation over a project's training examples, for projects without fixtures.
import type { Project, TrainingExample } from '../project/types.ts';
import type { TestCase } from './score.ts';

export interface Fold {
  train: Project;
  test: TestCase[];
}

/**
 * Splits the examples into k stratified folds (each intent spread evenly, in a fixed order so runs are
 * repeatable); fold i trains on the others and tests on its own examples, entities from their annotations.
 */
export function makeFolds(project: Project, k: number): Fold[] {
  const byIntent = new Map<string, TrainingExample[]>();
  for (const example of project.examples) {
    const list = byIntent.get(example.intent) ?? [];
    list.push(example);
    byIntent.set(example.intent, list);
  }
  const assignment = new Map<TrainingExample, number>();
  let offset = 0;
  for (const list of byIntent.values()) {
    for (const [i, example] of list.entries()) assignment.set(example, (i + offset) % k);
    offset += list.length;
  }
  return Array.from({ length: k }, (_, fold) => ({
    train: { ...project, examples: project.examples.filter((e) => assignment.get(e) !== fold) },
    test: project.examples
      .filter((e) => assignment.get(e) === fold)
      .map((e) => ({
        text: e.text,
        intent: e.intent,
        entities: Object.fromEntries(e.entities.map((s) => [s.entity, s.value])),
        source: e.source,
      })),
  }));
}
