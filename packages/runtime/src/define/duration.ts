// Durations in config: milliseconds as a number, or a string such as "500ms", "10s", "2m", "1h".
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** A duration: a number of milliseconds or a string like `"10s"`. Parses to milliseconds. */
export const DurationSchema = z.union([
  z.number().nonnegative(),
  z
    .string()
    .regex(/^\d+(?:\.\d+)?\s*(ms|s|m|h)$/, 'use a number of milliseconds or a string like "500ms", "10s", "2m"')
    .transform((s) => {
      const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(s) as RegExpExecArray;
      return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    }),
]);

/** What users may write where a duration is expected. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h'}`;
