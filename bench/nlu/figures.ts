// The figures one engine reaches on one dataset: what the report table prints.

export interface EngineFigures {
  intentAccuracy: number | null;
  inScopeAccuracy: number | null;
  outOfScopeRecall: number | null;
  /** Micro-F1 over (entity, normalised value) pairs; null for an engine that learns no entities. */
  entityF1: number | null;
  trainMs: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Peak resident memory of the process that trained and tested, in MB. */
  peakRssMb?: number;
}

/** Nearest-rank percentile (q in 0..1). */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}
