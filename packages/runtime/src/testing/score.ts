// Scores NLU answers against fixtures: the figures of `bot test` and of bench/nlu.
import { NONE_INTENT } from '../define/intent.ts';
import type { NluParseOptions, NluResult } from '../nlu/types.ts';
import type { SourceLocation } from '../project/types.ts';
import { addUsage, type LlmUsage, NO_USAGE } from '../structured-output/llm-usage.ts';
import { type Counts, emptyCounts, mean, percentile, ratio, scoreCounts } from './metrics.ts';
import type { CaseOutcome, TestReport } from './report.ts';

/** One case to score: a fixture, or a held-out example in cross-validation. */
export interface TestCase {
  text: string;
  intent: string;
  entities?: Record<string, unknown>;
  /** Checked only where there is a reply (`bot test --e2e`). */
  reply?: string;
  referenceTime?: string;
  source?: SourceLocation;
}

export interface ScoreOptions {
  thresholds?: { accuracy?: number; entityF1?: number };
  training?: TestReport['training'];
  /** LLM usage of the run. @default zeros */
  usage?: LlmUsage;
  /** Reference time for cases without their own. @default now */
  now?: Date;
  onProgress?: (done: number, total: number) => void;
  /** Called with every case's outcome, passed or failed, in order (JUnit needs them all). */
  onCase?: (outcome: CaseOutcome) => void;
  /** How many confusions to list. @default 10 */
  topConfusions?: number;
}

/** Answers one case; gets the whole case so a caller can route it (cross-validation picks the fold's model). */
export type ParseFn<C extends TestCase> = (testCase: C, options: NluParseOptions) => NluResult | Promise<NluResult>;

/** Scores every case in order (one at a time, so latencies are honest); LLM usage is summed into the report. */
export async function scoreFixtures<C extends TestCase>(cases: readonly C[], parse: ParseFn<C>, options: ScoreOptions = {}): Promise<TestReport> {
  const now = options.now ?? new Date();
  const outcomes: CaseOutcome[] = [];
  let usage = options.usage ?? NO_USAGE;
  for (const [i, testCase] of cases.entries()) {
    const referenceTime = testCase.referenceTime ? new Date(testCase.referenceTime) : now;
    const started = performance.now();
    const result = await parse(testCase, { referenceTime });
    if (result.usage) usage = addUsage(usage, result.usage);
    const outcome = judgeCase(testCase, answerOf(result), performance.now() - started);
    outcomes.push(outcome);
    options.onCase?.(outcome);
    if (options.onProgress && (i % 50 === 49 || i === cases.length - 1)) options.onProgress(i + 1, cases.length);
  }
  return summariseOutcomes(outcomes, { ...options, usage });
}

/** What the bot answered for one case: from the NLU directly, or from the running bot (`--e2e`). */
export interface CaseAnswer {
  intent: string;
  confidence: number;
  entities: Record<string, unknown>;
  /** The action's reply, checked against the fixture's `reply` when both are present. */
  reply?: string;
  /** Which engine answered. */
  path?: 'local' | 'llm';
}

function answerOf(result: NluResult): CaseAnswer {
  const entities: Record<string, unknown> = {};
  for (const e of result.entities) entities[e.entity] = entities[e.entity] === undefined ? e.value : ([] as unknown[]).concat(entities[e.entity], e.value);
  return { intent: result.intent.name, confidence: result.intent.confidence, entities, ...(result.path && { path: result.path }) };
}

/** Compares one answer with its case: intent, entities when the case gives them, reply when both have one. */
export function judgeCase(testCase: TestCase, answer: CaseAnswer, latencyMs: number): CaseOutcome {
  const got = answer.entities;
  const reasons: string[] = [];
  if (answer.intent !== testCase.intent) reasons.push(`intent: expected ${testCase.intent}, got ${answer.intent}`);
  if (testCase.entities) {
    for (const [name, value] of Object.entries(testCase.entities)) {
      if (!(name in got)) reasons.push(`missing entity ${name} (expected ${JSON.stringify(value)})`);
      else if (!sameValues(value, got[name])) reasons.push(`entity ${name}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got[name])}`);
    }
    for (const name of Object.keys(got)) {
      if (!(name in testCase.entities)) reasons.push(`unexpected entity ${name} = ${JSON.stringify(got[name])}`);
    }
  }
  if (testCase.reply !== undefined && answer.reply !== undefined && !replyMatches(testCase.reply, answer.reply)) {
    reasons.push(
      `reply: expected ${testCase.reply.startsWith('/') ? 'to match' : 'to contain'} ${JSON.stringify(testCase.reply)}, got ${JSON.stringify(answer.reply)}`,
    );
  }
  return {
    text: testCase.text,
    file: testCase.source?.file,
    line: testCase.source?.line,
    expected: { intent: testCase.intent, entities: testCase.entities },
    got: {
      intent: answer.intent,
      confidence: answer.confidence,
      entities: got,
      ...(answer.reply !== undefined && { reply: answer.reply }),
      ...(answer.path && { path: answer.path }),
    },
    passed: reasons.length === 0,
    reasons,
    latencyMs,
  };
}

/** A fixture's `reply`: `/regex/flags`, or a substring. */
export function replyMatches(expected: string, reply: string): boolean {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(expected);
  if (regex) return new RegExp(regex[1] as string, regex[2]).test(reply);
  return reply.includes(expected);
}

/** The report's figures from every case's outcome. */
export function summariseOutcomes(outcomes: CaseOutcome[], options: ScoreOptions): TestReport {
  const perIntent = new Map<string, Counts>();
  const perEntity = new Map<string, Counts>();
  const confusions = new Map<string, { expected: string; got: string; count: number }>();
  const entityTotals = emptyCounts();
  let correct = 0;
  let inScope = 0;
  let inScopeCorrect = 0;
  const countsOf = (map: Map<string, Counts>, key: string) => {
    const counts = map.get(key) ?? emptyCounts();
    map.set(key, counts);
    return counts;
  };
  for (const o of outcomes) {
    const { intent: expected } = o.expected;
    const got = o.got.intent;
    if (expected === got) {
      correct++;
      countsOf(perIntent, expected).tp++;
    } else {
      countsOf(perIntent, expected).fn++;
      countsOf(perIntent, got).fp++;
      const key = `${expected}\u0000${got}`;
      const c = confusions.get(key) ?? { expected, got, count: 0 };
      c.count++;
      confusions.set(key, c);
    }
    if (expected !== NONE_INTENT) {
      inScope++;
      if (expected === got) inScopeCorrect++;
    }
    if (o.expected.entities) {
      const expectedPairs = pairs(o.expected.entities);
      const gotPairs = pairs(o.got.entities);
      for (const [name, value] of expectedPairs) {
        const hit = gotPairs.findIndex(([n, v]) => n === name && v === value);
        if (hit !== -1) {
          gotPairs.splice(hit, 1);
          countsOf(perEntity, name).tp++;
          entityTotals.tp++;
        } else {
          countsOf(perEntity, name).fn++;
          entityTotals.fn++;
        }
      }
      for (const [name] of gotPairs) {
        countsOf(perEntity, name).fp++;
        entityTotals.fp++;
      }
    }
  }
  const none = perIntent.get(NONE_INTENT) ?? emptyCounts();
  const noneScore = scoreCounts(none);
  const intentRows = [...perIntent].map(([intent, c]) => ({ intent, ...scoreCounts(c), support: c.tp + c.fn }));
  intentRows.sort((a, b) => (a.f1 ?? -1) - (b.f1 ?? -1) || b.support - a.support || a.intent.localeCompare(b.intent));
  const entityRows = [...perEntity].map(([entity, c]) => ({ entity, ...scoreCounts(c), support: c.tp + c.fn }));
  entityRows.sort((a, b) => (a.f1 ?? -1) - (b.f1 ?? -1) || a.entity.localeCompare(b.entity));
  const entityScore = scoreCounts(entityTotals);
  const latencies = outcomes.map((o) => o.latencyMs);
  const accuracy = ratio(correct, outcomes.length);
  const failures = outcomes.filter((o) => !o.passed);
  const thresholds = options.thresholds ?? {};
  const violations: string[] = [];
  if (thresholds.accuracy !== undefined && (accuracy ?? 0) < thresholds.accuracy) {
    violations.push(`intent accuracy ${formatRatio(accuracy)} < ${formatRatio(thresholds.accuracy)}`);
  }
  if (thresholds.entityF1 !== undefined && entityScore.f1 !== null && entityScore.f1 < thresholds.entityF1) {
    violations.push(`entity F1 ${formatRatio(entityScore.f1)} < ${formatRatio(thresholds.entityF1)}`);
  }
  const judgedByThresholds = thresholds.accuracy !== undefined || thresholds.entityF1 !== undefined;
  return {
    cases: outcomes.length,
    failed: failures.length,
    intent: {
      accuracy,
      inScopeAccuracy: ratio(inScopeCorrect, inScope),
      macroF1: mean(intentRows.map((r) => r.f1)),
      perIntent: intentRows,
      confusions: [...confusions.values()].sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected)).slice(0, options.topConfusions ?? 10),
    },
    outOfScope: { recall: noneScore.recall, precision: noneScore.precision, support: none.tp + none.fn },
    entities: { ...entityScore, perEntity: entityRows },
    latency: { p50Ms: percentile(latencies, 0.5), p95Ms: percentile(latencies, 0.95), p99Ms: percentile(latencies, 0.99) },
    training: options.training ?? { ms: 0, fromCache: false, examples: 0, intents: 0 },
    usage: { ...(options.usage ?? NO_USAGE) },
    paths: { local: outcomes.filter((o) => o.got.path === 'local').length, llm: outcomes.filter((o) => o.got.path === 'llm').length },
    failures,
    thresholds: { ...thresholds, violations },
    passed: judgedByThresholds ? violations.length === 0 : failures.length === 0,
  };
}

/** Entity (name, normalised value) pairs; an array value gives one pair per element. */
function pairs(entities: Record<string, unknown>): [string, string][] {
  return Object.entries(entities).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, normaliseValue(v)]));
}

function sameValues(expected: unknown, got: unknown): boolean {
  const a = (Array.isArray(expected) ? expected : [expected]).map(normaliseValue).sort();
  const b = (Array.isArray(got) ? got : [got]).map(normaliseValue).sort();
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Values compare case- and space-insensitively; dates by their ISO form. */
export function normaliseValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value.trim().replace(/\s+/g, ' ').toLowerCase();
  return String(value);
}

function formatRatio(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}
