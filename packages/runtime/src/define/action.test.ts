// defineAction: entities are typed from the intent's zod schema (checked by `tsc` in `npm run typecheck`).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineAction } from './action.ts';
import { DefinitionError, defineIntent } from './intent.ts';

const updateStatus = defineIntent({
  name: 'update_status',
  examples: ['move [Apollo](project) to [done](status)'],
  entities: z.object({ project: z.string(), status: z.enum(['todo', 'done']), due: z.iso.date().optional(), points: z.coerce.number().optional() }),
});

describe('defineAction', () => {
  it('types entities from the intent schema', () => {
    const action = defineAction(updateStatus, {
      run(entities) {
        expectTypeOf(entities.project).toEqualTypeOf<string>();
        expectTypeOf(entities.status).toEqualTypeOf<'todo' | 'done'>();
        expectTypeOf(entities.due).toEqualTypeOf<string | undefined>();
        expectTypeOf(entities.points).toEqualTypeOf<number | undefined>();
        // @ts-expect-error: the schema has no `owner`, so neither do the entities.
        entities.owner;
        return `Moved ${entities.project} to ${entities.status}.`;
      },
    });
    expect(action.intent).toBe('update_status');
    expect(action.retries).toBe(2);
    expect(action.timeoutMs).toBe(10_000);
  });

  it('accepts an intent name for data-only intents, with untyped entities', () => {
    const action = defineAction('ask_time', { run: (entities) => String(entities.when ?? 'now'), timeout: '2s', retries: 0 });
    expectTypeOf(action.run).parameter(0).toEqualTypeOf<Record<string, unknown>>();
    expect(action.timeoutMs).toBe(2000);
  });

  it('rejects misuse where it is made, with a code', () => {
    expect(() => defineAction('Bad Name', { run: () => 'x' })).toThrow(DefinitionError);
    // @ts-expect-error: run is required
    expect(() => defineAction('ok_name', {})).toThrow(/run must be a function/);
    expect(() => defineAction('ok_name', { run: () => 'x', timeout: '10 parsecs' as '10s' })).toThrow(/timeout/);
  });
});
