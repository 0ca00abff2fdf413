// Parses the command line and hands off to one command module, imported lazily so `bot --help` stays fast.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, isCliError } from './errors.ts';
import { createLogger, type Logger } from './output/logger.ts';

const VERSION = '0.1.0';

/** Builds the program; each action resolves to an exit code stored in `result`. */
export function createProgram(logger: Logger, result: { exitCode: number }): Command {
  const program = new Command('bot')
    .description('Build, run and test input bots: intents, entities, actions, and the runtime that serves them.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run "bot --help" for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  const run =
    <A extends unknown[]>(load: () => Promise<(...args: [...A, Logger]) => Promise<number>>) =>
    async (...args: [...A, Command]) => {
      const command = await load();
      // commander passes the Command itself last; commands take their arguments, options and the logger.
      result.exitCode = await command(...(args.slice(0, -1) as A), logger);
    };

  program
    .command('init')
    .description('create a bot project (asks for name, template, NLU mode and broker unless --yes)')
    .argument('[dir]', 'where to create it (default: the bot name)')
    .option('-y, --yes', 'accept defaults and ask nothing (for scripts and CI)')
    .option('-n, --name <name>', 'the bot name (an npm package name; default: the folder name)')
    .addOption(new Option('-t, --template <template>', 'the project template').choices(['starter', 'ops']))
    .addOption(new Option('--nlu <mode>', 'how intents are recognised').choices(['local', 'llm', 'cascade']))
    .addOption(new Option('--broker <kind>', 'the message broker').choices(['sqlite', 'nats']))
    .option('-f, --force', 'write into a non-empty folder')
    .option('--no-link', 'do not link @inputbot packages from this CLI (run npm install yourself)')
    .action(run(async () => (await import('./commands/init.ts')).initCommand));

  program
    .command('check')
    .description('load the whole project and report every problem with file and line')
    .argument('[dir]', 'the project folder', '.')
    .option('--json', 'print the problems as JSON')
    .action(run(async () => (await import('./commands/check.ts')).checkCommand));

  program
    .command('add')
    .description('add a part to the project')
    .command('intent')
    .description('add an intent, its action and a fixture, in the project’s style')
    .argument('<name>', 'the intent name, e.g. cancel_order')
    .option('-C, --dir <dir>', 'the project folder', '.')
    .action(run(async () => (await import('./commands/add-intent.ts')).addIntentCommand));

  program
    .command('test')
    .description('train the NLU and score every fixture: accuracy, F1, confusions, entities, latency')
    .argument('[dir]', 'the project folder', '.')
    .option('--fixtures <file>', 'a YAML or JSONL fixture file instead of fixtures/')
    .option('--json', 'print the report as one JSON object')
    .option('--junit <file>', 'also write a JUnit XML report (one test case per fixture)')
    .option('--min-accuracy <fraction>', 'fail (exit 1) below this intent accuracy, e.g. 0.9 or 90%', parseFraction)
    .option('--min-entity-f1 <fraction>', 'fail (exit 1) below this entity F1', parseFraction)
    .option('--cross-validate <k>', 'k-fold cross-validation over the training data instead of fixtures', parseFolds)
    .option('--e2e', 'run the whole bot on a temporary state folder and send every fixture through its gateway (checks replies too)')
    .option('--record <file>', 'save the LLM exchanges of the run to a cassette file (JSON, or YAML for .yaml)')
    .option('--replay <file>', 'answer LLM requests from a cassette file: no network, no key (for CI)')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .action(run(async () => (await import('./commands/test.ts')).testCommand));

  program
    .command('dev')
    .description('run the bot locally: gateway, receiver, nlp and executor as processes over the broker, with hot reload')
    .argument('[dir]', 'the project folder', '.')
    .option('-p, --port <port>', 'the API port (default: gateway.port in bot.config.ts, 3000; 0: any free port)', parsePort)
    .option('--no-watch', 'do not reload on file changes')
    .action(run(async () => (await import('./commands/dev.ts')).devCommand));

  program
    .command('service')
    .description('run one service in this process (the container entry point): gateway, receiver, nlp or executor')
    .argument('<name>', 'gateway | receiver | nlp | executor')
    .option('-C, --dir <dir>', 'the project folder', '.')
    .option('-p, --port <port>', 'HTTP port for gateway and receiver (0: any free port)', parsePort)
    .option('--host <host>', 'HTTP host to bind', '127.0.0.1')
    .option('--receiver-url <url>', 'for the gateway: the receiver base URL (or INPUTBOT_RECEIVER_URL)')
    .option('--state-dir <dir>', 'where the broker and store files live (default: <project>/.bot)')
    .action(run(async () => (await import('./commands/service.ts')).serviceCommand));

  program
    .command('status')
    .description('what bot dev runs: services, pids, ports, queue depths and dead letters')
    .argument('[dir]', 'the project folder', '.')
    .option('--json', 'print as JSON')
    .action(run(async () => (await import('./commands/status.ts')).statusCommand));

  program
    .command('traces')
    .description('recent traces as text waterfalls, or one trace by id')
    .argument('[id]', 'a trace id (or the project folder, as with bot status)')
    .option('-C, --dir <dir>', 'the project folder', '.')
    .option('-f, --follow', 'keep printing new traces')
    .option('-n, --limit <n>', 'how many recent traces', '20')
    .action(run(async () => (await import('./commands/traces.ts')).tracesCommand));

  program
    .command('usage')
    .description('the LLM cost ledger: calls, tokens and USD by model, API key and day')
    .argument('[dir]', 'the project folder (or -C)')
    .option('-C, --dir <dir>', 'the project folder', '.')
    .option('--since <when>', 'a span back from now (24h, 7d) or a date (2026-01-31)', '7d')
    .option('--json', 'print the totals as JSON')
    .action(run(async () => (await import('./commands/usage.ts')).usageCommand));

  const dlq = program.command('dlq').description('dead letters: messages that exhausted their attempts');
  dlq
    .command('list')
    .description('list dead letters with their last error')
    .argument('[dir]', 'the project folder (or -C)')
    .option('-C, --dir <dir>', 'the project folder', '.')
    .option('--json', 'print as JSON')
    .action(run(async () => (await import('./commands/dlq.ts')).dlqListCommand));
  dlq
    .command('replay')
    .description('put a dead letter (or all of them) back on its queue')
    .argument('[id]', 'the dead letter id')
    .option('-C, --dir <dir>', 'the project folder', '.')
    .option('--all', 'replay every dead letter')
    .action(run(async () => (await import('./commands/dlq.ts')).dlqReplayCommand));

  return program;
}

/** The entry point of bin/bot.js. */
export async function main(argv: string[], logger: Logger = createLogger()): Promise<void> {
  const result = { exitCode: EXIT.ok as number };
  const program = createProgram(logger, result);
  try {
    await program.parseAsync(argv);
    process.exitCode = result.exitCode;
  } catch (error) {
    process.exitCode = reportError(error, logger);
  }
}

function reportError(error: unknown, logger: Logger): number {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isCliError(error)) {
    logger.error(error.message);
    return error.exitCode;
  }
  // Unknown errors are bugs: print the stack so they can be reported.
  logger.error(`unexpected error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.failed;
}

function parseFraction(value: string): number {
  const percent = value.endsWith('%');
  const n = Number(percent ? value.slice(0, -1) : value);
  const fraction = percent || n > 1 ? n / 100 : n;
  if (!Number.isFinite(n) || fraction < 0 || fraction > 1) throw new InvalidArgumentError('expected a fraction from 0 to 1 or a percentage, e.g. 0.9 or 90%');
  return fraction;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return port;
}

function parseFolds(value: string): number {
  const k = Number(value);
  if (!Number.isInteger(k) || k < 2 || k > 20) throw new InvalidArgumentError('expected a whole number of folds from 2 to 20');
  return k;
}
