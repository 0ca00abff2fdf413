// Measures how deeply a parsed JSON value nests, stopping early so a hostile body costs no more than the limit.

/** The deepest nesting accepted in a client's structured `data`. */
export const MAX_JSON_DEPTH = 32;

/** True when `value` nests objects/arrays more than `max` levels deep (the value itself is level 1). */
export function exceedsDepth(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  return depthOver(value, max, 1);
}

function depthOver(value: unknown, max: number, level: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (level > max) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (depthOver(child, max, level + 1)) return true;
  }
  return false;
}
