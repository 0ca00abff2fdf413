// Renders the services' pino JSON lines as colour-coded, service-prefixed log lines.
import { color } from '../output/theme.ts';

const SERVICE_COLORS: Record<string, (s: string) => string> = {
  gateway: color.cyan,
  receiver: color.magenta,
  nlp: color.yellow,
  executor: color.green,
  dev: color.blue,
};

const LEVELS: Record<number, (s: string) => string> = {
  40: (s) => color.yellow(`warn ${s}`),
  50: (s) => color.red(`error ${s}`),
  60: (s) => color.red(`fatal ${s}`),
};

/** One line for the terminal: `gateway  │ message key=value`. Non-JSON lines pass through prefixed. */
export function formatServiceLine(service: string, line: string): string {
  const paint = SERVICE_COLORS[service] ?? ((s: string) => s);
  const prefix = paint(service.padEnd(8));
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${prefix} │ ${line}`;
  }
  if (typeof record !== 'object' || record === null) return `${prefix} │ ${line}`;
  const { level, msg, time: _time, pid: _pid, hostname: _host, service: _service, err, ...rest } = record;
  const message = String(msg ?? '');
  const extras = Object.entries(rest)
    .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as const)
    // Kept as fields for JSON logs, but not said twice here: `ready on http://127.0.0.1:3000` needs no `port=3000`.
    .filter(([, v]) => !saysWord(message, v))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const error = err && typeof err === 'object' ? ` ${String((err as { message?: unknown }).message ?? '')}` : '';
  const text = `${message}${error}${extras ? color.dim(` ${extras}`) : ''}`;
  const levelPaint = LEVELS[Number(level)];
  return `${prefix} │ ${levelPaint ? levelPaint(text) : text}`;
}

/** Whether `text` has `word` standing on its own (not `2` inside `1200`). */
function saysWord(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.])${escaped}(?![\\w.])`).test(text);
}
