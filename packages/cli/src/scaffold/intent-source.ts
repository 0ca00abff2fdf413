// The source of a new intent, its action and a fixture, written in a project's style.
import type { ProjectStyle } from './project-style.ts';

const PREFIXES = ['', 'please ', 'I want to ', 'can you ', "I'd like to ", 'help me ', 'could you ', 'I need to '];
const SUFFIXES = ['', ' please', ' now', ' for me'];

/** "cancel_order" -> "cancel order": the words placeholder examples are made of. */
export function phraseOf(name: string): string {
  return name.split(/[_.-]/).join(' ');
}

/**
 * Plausible placeholder examples derived from the name ("cancel order", "please cancel order", …), at
 * least `count` of them, so that the project still passes `bot check` until real ones replace them.
 */
export function placeholderExamples(name: string, count: number): string[] {
  const phrase = phraseOf(name);
  const all = SUFFIXES.flatMap((suffix) => PREFIXES.map((prefix) => `${prefix}${phrase}${suffix}`));
  const wanted = Math.max(count, 6);
  const examples = all.slice(0, wanted);
  for (let i = examples.length; i < wanted; i++) examples.push(`${phrase} (example ${i + 1})`);
  return examples;
}

/** A fixture text that is not one of the placeholder examples. */
export function fixtureText(name: string): string {
  return `could you ${phraseOf(name)} right away`;
}

// Words that cannot name a variable: an intent called "delete" gets `deleteIntent`.
const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await'.split(
    ' ',
  ),
);

/** "cancel_order" -> "cancelOrder", a valid variable name. */
export function identifierOf(name: string): string {
  const camel = name.replace(/[_.-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return RESERVED.has(camel) ? `${camel}Intent` : camel;
}

export function renderIntent(name: string, examples: string[], style: ProjectStyle): string {
  const q = (s: string) => quote(s, style.quote);
  const end = style.semicolons ? ';' : '';
  const i = style.indent;
  const id = identifierOf(name);
  const head = style.exports === 'default' ? 'export default defineIntent({' : `export const ${id} = defineIntent({`;
  return [
    `// ${sentence(phraseOf(name))}. Placeholder examples: replace them with what users really say.`,
    `import { defineIntent, z } from ${q('@inputbot/runtime')}${end}`,
    '',
    head,
    `${i}name: ${q(name)},`,
    `${i}description: ${q(`${sentence(phraseOf(name))}.`)},`,
    `${i}// TODO: replace these with 10+ real messages; annotate entities inline: ${q('cancel order [A1042](order_id)')}.`,
    `${i}examples: [`,
    ...examples.map((e) => `${i}${i}${q(e)},`),
    `${i}],`,
    `${i}// Add entities here, e.g. z.object({ order_id: z.string() }).`,
    `${i}entities: z.object({}),`,
    `})${end}`,
    '',
  ].join('\n');
}

export function renderAction(name: string, intentFile: string, style: ProjectStyle): string {
  const q = (s: string) => quote(s, style.quote);
  const end = style.semicolons ? ';' : '';
  const i = style.indent;
  const id = identifierOf(name);
  const binding = style.exports === 'default' ? id : `{ ${id} }`;
  const head = style.exports === 'default' ? `export default defineAction(${id}, {` : `export const ${id}Action = defineAction(${id}, {`;
  return [
    `// Replies to ${name}. TODO: do the real work here; entities are typed from the intent.`,
    `import { defineAction } from ${q('@inputbot/runtime')}${end}`,
    `import ${binding} from ${q(`../intents/${intentFile}${style.importExtension}`)}${end}`,
    '',
    head,
    `${i}run: () => ${q(actionReply(name))},`,
    `})${end}`,
    '',
  ].join('\n');
}

/** What the generated action replies, so the fixture can expect it. */
export function actionReply(name: string): string {
  return `Sorry, I can't ${phraseOf(name)} yet.`;
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function quote(text: string, mark: "'" | '"'): string {
  const escaped = text.replaceAll('\\', '\\\\').replaceAll(mark, `\\${mark}`);
  return `${mark}${escaped}${mark}`;
}
