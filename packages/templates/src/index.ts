// @inputbot/templates: the project templates `bot init` copies, and where each one lives on disk.
import { fileURLToPath } from 'node:url';

/** The name of a template, as `bot init --template` takes it. */
export type TemplateName = 'starter' | 'ops';

/** A project template: a complete bot project that `bot init` copies and fills in. */
export interface Template {
  name: TemplateName;
  /** One line for the template picker. */
  description: string;
  /** The absolute path of the template's folder. */
  dir: string;
}

// Resolved from this module, so it works from src/ (tests) and from dist/ (the published package) alike.
const templateDir = (name: TemplateName) => fileURLToPath(new URL(`../templates/${name}`, import.meta.url));

/** Every template, the default (`starter`) first. */
export const templates: readonly Template[] = Object.freeze([
  { name: 'starter', description: 'a small bot: greet, help, goodbye and check_order with an entity', dir: templateDir('starter') },
  { name: 'ops', description: 'an operations bot: project status, meetings and an employee directory in SQLite', dir: templateDir('ops') },
]);

/** The template called `name`, or undefined. */
export function findTemplate(name: string): Template | undefined {
  return templates.find((t) => t.name === name);
}
