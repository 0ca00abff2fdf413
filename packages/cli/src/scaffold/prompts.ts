// Asks for what `bot init` needs, or takes it from flags and defaults when there is nobody to ask.
import path from 'node:path';
import { type TemplateName, templates } from '@inputbot/templates';
import { input, select } from '@inquirer/prompts';
import { CliError } from '../errors.ts';
import { botNameProblem } from './validate-name.ts';

export type NluMode = 'local' | 'llm' | 'cascade';
export type BrokerKind = 'sqlite' | 'nats';

/** What the user chose, or what was assumed. */
export interface InitChoices {
  name: string;
  template: TemplateName;
  nlu: NluMode;
  broker: BrokerKind;
}

export interface InitFlags {
  name?: string;
  template?: TemplateName;
  nlu?: NluMode;
  broker?: BrokerKind;
}

export interface AskOptions {
  /** Ask questions (a terminal, no --yes); otherwise take flags and defaults. */
  interactive: boolean;
  /** The target folder the user gave, if any: the default name comes from it. */
  dir: string | undefined;
}

const NLU_CHOICES = [
  { value: 'local', name: 'local', description: 'the embedded engine: trains in seconds, no network, no cost' },
  { value: 'llm', name: 'llm', description: 'a model through the gateway (needs a provider key in .env)' },
  { value: 'cascade', name: 'cascade', description: 'local first, the LLM only when the local engine is unsure' },
] as const;

const BROKER_CHOICES = [
  { value: 'sqlite', name: 'sqlite', description: 'embedded: a file under .bot/, nothing to run (one machine)' },
  { value: 'nats', name: 'nats (not built yet)', description: 'NATS JetStream, for a cluster: bot dev cannot run it yet' },
] as const;

export const DEFAULTS = { template: 'starter', nlu: 'local', broker: 'sqlite' } as const;

/**
 * Resolves every choice: a flag wins, then the answer to a question, then the default.
 * Returns which choices were defaulted without asking, so the caller can say so.
 */
export async function askInitChoices(flags: InitFlags, options: AskOptions): Promise<{ choices: InitChoices; assumed: string[] }> {
  const assumed: string[] = [];
  const defaultName = options.dir ? path.basename(path.resolve(options.dir)) : 'my-bot';
  try {
    const name = flags.name ?? (options.interactive ? await askName(defaultName) : defaultName);
    const problem = botNameProblem(name);
    if (problem) {
      const hint = flags.name ? '' : ' (pass --name <name>)';
      throw new CliError('INVALID_NAME', `"${name}" is not a valid bot name: ${problem}${hint}`);
    }
    if (!flags.name && !options.interactive) assumed.push(`name ${name}`);
    const pick = async <T extends string>(flag: T | undefined, key: keyof typeof DEFAULTS, ask: () => Promise<T>): Promise<T> => {
      if (flag) return flag;
      if (options.interactive) return ask();
      assumed.push(`${key} ${DEFAULTS[key]}`);
      return DEFAULTS[key] as T;
    };
    const template = await pick(flags.template, 'template', () =>
      select<TemplateName>({
        message: 'Template',
        choices: templates.map((t) => ({ value: t.name, name: t.name, description: t.description })),
        default: DEFAULTS.template,
      }),
    );
    const nlu = await pick(flags.nlu, 'nlu', () => select<NluMode>({ message: 'NLU mode', choices: [...NLU_CHOICES], default: DEFAULTS.nlu }));
    const broker = await pick(flags.broker, 'broker', () => select<BrokerKind>({ message: 'Broker', choices: [...BROKER_CHOICES], default: DEFAULTS.broker }));
    return { choices: { name, template, nlu, broker }, assumed };
  } catch (error) {
    // Ctrl-C in a prompt: @inquirer rejects with ExitPromptError.
    if (error instanceof Error && error.name === 'ExitPromptError') throw new CliError('CANCELLED', 'cancelled, nothing written', 130);
    throw error;
  }
}

function askName(defaultName: string): Promise<string> {
  return input({
    message: 'Bot name',
    default: defaultName,
    validate: (value) => botNameProblem(value.trim()) ?? true,
  }).then((value) => value.trim());
}
