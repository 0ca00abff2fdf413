// Writes the user's choices into a copied template: the name, the NLU mode and the broker.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InitChoices } from './prompts.ts';

const NATS_BROKER = "kind: 'nats', url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222'";

/**
 * Rewrites the specific values in bot.config.ts, package.json and the README heading. Templates stay
 * valid projects as they are; a value that cannot be found is a broken template, so it throws.
 */
export async function fillTemplate(dir: string, choices: InitChoices): Promise<void> {
  await edit(path.join(dir, 'bot.config.ts'), (source) => {
    let out = replaceOnce(source, /(\bname:\s*)'[^']*'/, `$1'${choices.name}'`, 'name');
    out = replaceOnce(out, /(\bmode:\s*)'[^']*'/, `$1'${choices.nlu}'`, 'nlu.mode');
    const broker = choices.broker === 'nats' ? NATS_BROKER : `kind: '${choices.broker}'`;
    return replaceOnce(out, /\bkind:\s*'[^']*'/, broker, 'broker.kind');
  });
  await edit(path.join(dir, 'package.json'), (source) => {
    const pkg = JSON.parse(source) as Record<string, unknown>;
    pkg.name = choices.name;
    return `${JSON.stringify(pkg, null, 2)}\n`;
  });
  await edit(path.join(dir, 'README.md'), (source) => source.replace(/^# .*$/m, `# ${choices.name}`));
}

async function edit(file: string, change: (source: string) => string): Promise<void> {
  await writeFile(file, change(await readFile(file, 'utf8')));
}

function replaceOnce(source: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(source)) throw new Error(`template bot.config.ts has no ${what} to fill in`);
  return source.replace(pattern, replacement);
}
