// Name rules for what the CLI creates: bot names are npm package names, intent names follow the runtime's rule.
import { createRequire } from 'node:module';
import { defineIntent, NONE_INTENT } from '@inputbot/runtime';

interface NpmNameCheck {
  validForNewPackages: boolean;
  errors?: string[];
  warnings?: string[];
}

// validate-npm-package-name is CommonJS without types.
const checkNpmName = createRequire(import.meta.url)('validate-npm-package-name') as (name: string) => NpmNameCheck;

/** The npm rule `name` breaks, or undefined when it is a valid name for a new package. */
export function botNameProblem(name: string): string | undefined {
  const check = checkNpmName(name);
  if (check.validForNewPackages) return undefined;
  return [...(check.errors ?? []), ...(check.warnings ?? [])][0] ?? 'not a valid npm package name';
}

/** The rule an intent name breaks, or undefined. Asks the runtime itself, so the rule lives in one place. */
export function intentNameProblem(name: string): string | undefined {
  if (name === NONE_INTENT) return `"${NONE_INTENT}" is reserved for out-of-scope examples (add them to data/none.yaml)`;
  try {
    defineIntent({ name, examples: [] });
    return undefined;
  } catch (error) {
    // DefinitionError text: "defineIntent: ✖ <rule>\n  → at name".
    const message = error instanceof Error ? error.message : String(error);
    return message
      .replace(/^defineIntent:\s*/, '')
      .replace(/^✖\s*/, '')
      .split('\n')[0];
  }
}

/** The folder a bot called `name` goes in by default: the name without its npm scope. */
export function defaultDirFor(name: string): string {
  return name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
}
