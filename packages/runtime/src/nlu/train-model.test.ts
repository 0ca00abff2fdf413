import { describe, expect, it } from 'vitest';
import { STATUS, TASK_BOT } from './__fixtures__/task-bot.ts';
import { loadModel, trainModel } from './index.ts';
import { DEFAULT_CLASSIFIER } from './intent-classifier.ts';
import { DEFAULT_HYPERPARAMETERS } from './train-model.ts';

// Local time, so the expected dates hold in any time zone: Wednesday 6 March 2024, noon.
const WEDNESDAY = new Date(2024, 2, 6, 12, 0);
const model = trainModel(TASK_BOT);
const parse = (text: string, intent?: string) => model.parse(text, { referenceTime: WEDNESDAY, intent });
const values = (text: string) => Object.fromEntries(parse(text).entities.map((e) => [e.entity, e.value]));

describe('trainModel', () => {
  it('is deterministic: the same data gives the same model and the same answers', () => {
    const again = trainModel(TASK_BOT);
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(model.toJSON()));
    expect(again.parse('move Phoenix to done')).toEqual(model.parse('move Phoenix to done'));
  });

  it('survives a JSON round trip', () => {
    const loaded = loadModel(JSON.parse(JSON.stringify(model.toJSON())));
    for (const text of ['move Phoenix to done by friday', 'show my tasks', 'who is the president']) {
      expect(loaded.parse(text, { referenceTime: WEDNESDAY })).toEqual(parse(text));
    }
  });

  it('refuses JSON that is not a model of this engine', () => {
    expect(() => loadModel({ format: 'inputbot-nlu', version: 0 })).toThrow(/engine version 0/);
  });

  it('ranks intents best first with calibrated confidences that sum to at most 1', () => {
    const result = parse('move Phoenix to done');
    expect(result.intent.name).toBe('update_status');
    expect(result.ranking.length).toBeLessThanOrEqual(5);
    expect(result.ranking[0]?.name).toBe('update_status');
    const confidences = result.ranking.map((r) => r.confidence);
    expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
    expect(confidences.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('answers none for out-of-scope input, learned from none examples', () => {
    expect(parse('what is the weather in paris').intent.name).toBe('none');
    expect(parse('tell me a funny joke').intent.name).toBe('none');
    expect(parse('show my tasks').intent.name).toBe('list_tasks');
  });

  it('treats a text whose words it has never seen as weak evidence: a lone greeting is not an intent by its letters', () => {
    // "hello" shares letters with "Apollo", which the status intent's examples repeat; no example says hello.
    const projects = ['Apollo', 'Apollo', 'Apollo', 'Gemini', 'Apollo', 'Zeus', 'Apollo', 'Hermes'];
    const data = {
      intents: [
        { name: 'update_status', entities: [] },
        { name: 'list_tasks', entities: [] },
        { name: 'none', entities: [] },
      ],
      examples: [
        ...projects.map((p, i) => ({ intent: 'update_status', text: `${['move', 'set', 'put', 'change'][i % 4]} ${p} to done`, entities: [] })),
        ...['show my tasks', 'list my tasks', 'what are my tasks', 'which tasks are open'].map((text) => ({ intent: 'list_tasks', text, entities: [] })),
        ...['what is the weather', 'tell me a joke', 'who won the game', 'play some music'].map((text) => ({ intent: 'none', text, entities: [] })),
      ],
    };
    const parseWith = (lettersOnlyWeight: number) => {
      const features = { ...DEFAULT_CLASSIFIER.features, lettersOnlyWeight };
      return trainModel(data, { hyperparameters: { ...DEFAULT_HYPERPARAMETERS, classifier: { ...DEFAULT_CLASSIFIER, features } } });
    };
    const atFullWeight = parseWith(1);
    expect(atFullWeight.parse('hello').intent.name).toBe('update_status');
    // A model saved before the setting existed keeps answering as it was trained to.
    const saved = JSON.parse(JSON.stringify(atFullWeight.toJSON()));
    delete saved.classifier.features.lettersOnlyWeight;
    expect(loadModel(saved).parse('hello')).toEqual(atFullWeight.parse('hello'));
    const model = trainModel(data);
    expect(model.parse('hello').intent.name).toBe('none');
    // A word it knows is evidence again, misspelt neighbours and all.
    expect(model.parse('mvoe Apolo to done').intent.name).toBe('update_status');
  });

  it('answers none below the threshold', () => {
    const strict = trainModel(TASK_BOT, { threshold: 0.999999 });
    const result = strict.parse('list my tasks');
    expect(result.intent.name).toBe('none');
    expect(result.ranking[0]?.name).toBe('list_tasks');
  });

  it('finds entity values it never saw from their context', () => {
    const result = parse('move Kraken to done');
    expect(result.entities.map((e) => [e.entity, e.value, e.text, e.start, e.end, e.extractor])).toEqual([
      ['project', 'Kraken', 'Kraken', 5, 11, 'model'],
      ['status', 'done', 'done', 15, 19, 'model'],
    ]);
    expect(values('create a task called paint the fence')).toEqual({ title: 'paint the fence' });
    expect(values('new task clean the garage')).toEqual({ title: 'clean the garage' });
  });

  it('maps enum synonyms, annotated surfaces and typos to the enum value', () => {
    expect(values('mark Kraken as completed').status).toBe('done');
    expect(values('mark Kraken as finished').status).toBe('done');
    expect(values('set Kraken to in progres').status).toBe('in_progress');
  });

  it('resolves dates relative to the reference time', () => {
    expect(values('move Kraken to done by next friday').due).toBe('2024-03-15');
    expect(values('move Kraken to todo by tomorrow').due).toBe('2024-03-07');
  });

  it('reads numbers written as digits or words', () => {
    expect(values('add a task fix the printer worth 5 points').points).toBe(5);
    expect(values('make a task to paint the fence for twelve points').points).toBe(12);
  });

  it('fills the slots of the intent it is given instead of the recognised one', () => {
    const result = parse('done', 'update_status');
    expect(result.entities).toMatchObject([{ entity: 'status', value: 'done' }]);
  });

  it('trains without annotations or declared entities', () => {
    const bare = trainModel({ intents: [], examples: TASK_BOT.examples.map((e) => ({ ...e, entities: [] })) });
    expect(bare.parse('show me my tasks').intent.name).toBe('list_tasks');
    expect(bare.parse('move Apollo to done').entities).toEqual([]);
    expect(bare.intents).toContain('none');
  });

  it('keeps an enum value it cannot map as text, for the schema to reject', () => {
    const result = trainModel({
      intents: [{ name: 'set', entities: [STATUS] }],
      examples: [
        { intent: 'set', text: 'set it to done', entities: [{ entity: 'status', text: 'done', value: 'done', start: 10, end: 14 }] },
        { intent: 'set', text: 'set it to todo', entities: [{ entity: 'status', text: 'todo', value: 'todo', start: 10, end: 14 }] },
        { intent: 'set', text: 'set it to complete', entities: [{ entity: 'status', text: 'complete', value: 'done', start: 10, end: 18 }] },
      ],
    }).parse('set it to banana');
    expect(result.entities).toMatchObject([{ entity: 'status', value: 'banana' }]);
  });
});
