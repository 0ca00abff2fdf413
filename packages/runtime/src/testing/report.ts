// The shape of a `bot test` report: what `--json` prints and what the text and JUnit reporters read.
import { z } from 'zod';

const ratio = z.number().min(0).max(1).nullable();

export const ClassScoreSchema = z.object({
  precision: ratio,
  recall: ratio,
  f1: ratio,
  /** Cases that expected this class. */
  support: z.number().int(),
});

export const CaseOutcomeSchema = z.object({
  text: z.string(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  expected: z.object({ intent: z.string(), entities: z.record(z.string(), z.unknown()).optional() }),
  got: z.object({
    intent: z.string(),
    confidence: z.number(),
    entities: z.record(z.string(), z.unknown()),
    reply: z.string().optional(),
    /** Which engine answered: the local model or the LLM (`nlu.mode` llm and cascade). */
    path: z.enum(['local', 'llm']).optional(),
  }),
  passed: z.boolean(),
  /** Why it failed: "intent", "entity <name>: expected X, got Y", "missing entity <name>", "unexpected entity <name>". */
  reasons: z.array(z.string()),
  latencyMs: z.number(),
});

export const TestReportSchema = z.object({
  /** Fixtures scored. */
  cases: z.number().int(),
  /** Fixtures with a wrong intent or entity. */
  failed: z.number().int(),
  intent: z.object({
    /** Correct intent (with `none` as a class) over all cases. */
    accuracy: ratio,
    /** Correct intent over cases that expect an in-scope intent (CLINC150's "in-scope accuracy"). */
    inScopeAccuracy: ratio,
    /** Unweighted mean F1 over every intent expected or predicted. */
    macroF1: ratio,
    /** Per intent, worst F1 first. */
    perIntent: z.array(ClassScoreSchema.extend({ intent: z.string() })),
    /** The most frequent (expected, got) mistakes. */
    confusions: z.array(z.object({ expected: z.string(), got: z.string(), count: z.number().int() })),
  }),
  outOfScope: z.object({ recall: ratio, precision: ratio, support: z.number().int() }),
  entities: z.object({
    /** Micro-averaged over fixtures that state `entities`; an entity counts when name and normalised value match. */
    precision: ratio,
    recall: ratio,
    f1: ratio,
    perEntity: z.array(ClassScoreSchema.extend({ entity: z.string() })),
  }),
  latency: z.object({ p50Ms: z.number().nullable(), p95Ms: z.number().nullable(), p99Ms: z.number().nullable() }),
  training: z.object({ ms: z.number(), fromCache: z.boolean(), examples: z.number().int(), intents: z.number().int() }),
  /** LLM calls of the run (all zero for the local engine); `costUsd` as the gateway reported it. */
  usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int(), costUsd: z.number(), llmCalls: z.number().int() }),
  /** Cases each engine answered (`got.path`); both 0 when the path is not known (`--e2e`). */
  paths: z.object({ local: z.number().int(), llm: z.number().int() }),
  failures: z.array(CaseOutcomeSchema),
  thresholds: z.object({
    accuracy: ratio.optional(),
    entityF1: ratio.optional(),
    /** Figures that fell below their threshold, e.g. "intent accuracy 0.84 < 0.90". */
    violations: z.array(z.string()),
  }),
  /** True when the run passes: no violations when thresholds are set, else no failed case. */
  passed: z.boolean(),
});

export type TestReport = z.infer<typeof TestReportSchema>;
export type CaseOutcome = z.infer<typeof CaseOutcomeSchema>;
export type ClassScore = z.infer<typeof ClassScoreSchema>;
