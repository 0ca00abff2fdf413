import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeEntities } from '../../define/entity-spec.ts';
import { fallbackReply, slotQuestion } from './nlp-replies.ts';

describe('the question for a missing entity', () => {
  const [when, due, status, person] = describeEntities(
    z.object({
      when: z.iso.datetime().meta({ description: 'When the meeting starts.' }),
      due: z.iso.date(),
      status: z.enum(['todo', 'in_progress']),
      person: z.string().meta({ description: 'Who to meet.', ask: 'Who should I invite?' }),
    }),
  );

  it("is the entity's own when its schema gives one (.meta({ ask }))", () => {
    expect(person).toMatchObject({ ask: 'Who should I invite?' });
    expect(slotQuestion(person as NonNullable<typeof person>)).toBe('Who should I invite?');
  });

  it('is shaped by the kind otherwise, and reads for date names that are not nouns', () => {
    expect(slotQuestion(when as NonNullable<typeof when>)).toBe('When: which date and time? (When the meeting starts)');
    expect(slotQuestion(due as NonNullable<typeof due>)).toBe('Due: which date?');
    expect(slotQuestion(status as NonNullable<typeof status>)).toBe('Which status? (todo, in progress)');
  });
});

describe('the out-of-scope reply', () => {
  const intent = (name: string, description: string) => ({ name, description }) as Parameters<typeof fallbackReply>[0][number];

  it('lists what the bot can do, as one sentence, separating descriptions that have commas of their own', () => {
    expect(fallbackReply([intent('list_tasks', 'List your tasks.'), intent('create_task', 'Create a task')])).toBe(
      "Sorry, I didn't get that. I can help with: list your tasks, create a task.",
    );
    expect(fallbackReply([intent('lookup', 'Find a colleague: title, team and email.'), intent('book', 'Book a meeting'), intent('none', '')])).toBe(
      "Sorry, I didn't get that. I can help with: find a colleague: title, team and email; book a meeting.",
    );
    expect(fallbackReply([intent('keys', 'API keys and their budgets')])).toBe("Sorry, I didn't get that. I can help with: API keys and their budgets.");
  });
});
