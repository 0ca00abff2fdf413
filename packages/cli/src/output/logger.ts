// The one place commands write to the terminal; tests and embedders pass their own writer.
import { symbols } from './theme.ts';

export interface Logger {
  /** A line of normal output (stdout). */
  info(message: string): void;
  success(message: string): void;
  /** A line on stderr. */
  warn(message: string): void;
  error(message: string): void;
  /** A line on stderr as it is, for text that carries its own mark (a formatted problem). */
  stderr(message: string): void;
}

export interface LoggerStreams {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processStreams: LoggerStreams = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export function createLogger(streams: LoggerStreams = processStreams): Logger {
  return {
    info: (message) => streams.out(`${message}\n`),
    success: (message) => streams.out(`${symbols.ok} ${message}\n`),
    warn: (message) => streams.err(`${symbols.warn} ${message}\n`),
    error: (message) => streams.err(`${symbols.fail} ${message}\n`),
    stderr: (message) => streams.err(`${message}\n`),
  };
}
