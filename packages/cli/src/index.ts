// @inputbot/cli as a library: run the CLI in-process (tests and embedders).
export { createProgram, main } from './cli.ts';
export { CliError, EXIT } from './errors.ts';
export { createLogger, type Logger } from './output/logger.ts';
