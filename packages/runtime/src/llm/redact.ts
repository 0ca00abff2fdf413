// PII redaction: emails, phone numbers and Luhn-valid card numbers (plus configured patterns) are replaced before a prompt leaves.
import type { ChatMessage } from './wire.ts';

interface Rule {
  label: string;
  pattern: RegExp;
  accept?: (match: string) => boolean;
}

const BUILT_IN: Rule[] = [
  // Cards first: their digit runs would otherwise read as phone numbers.
  { label: 'CARD', pattern: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g, accept: (m) => luhnValid(m.replace(/\D/g, '')) },
  { label: 'EMAIL', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  {
    label: 'PHONE',
    pattern: /(?<![\w+])\+?\(?\d[\d\s().-]{6,18}\d(?![\w])/g,
    accept: (m) => {
      const digits = m.replace(/\D/g, '').length;
      return digits >= 9 && digits <= 15 && (m.startsWith('+') || /[\s().-]/.test(m) || digits >= 10);
    },
  },
];

/** Whether `digits` passes the Luhn checksum that every card number carries. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

export interface Redactor {
  /** The messages with PII replaced by `[REDACTED_<LABEL>]`, and how many replacements were made. */
  redact(messages: readonly ChatMessage[]): { messages: ChatMessage[]; count: number };
}

/** A redactor with the built-in rules and `extra` patterns (regular expression sources). */
export function createRedactor(extra: ReadonlyArray<{ name: string; source: string }>): Redactor {
  const rules: Rule[] = [...BUILT_IN, ...extra.map((p) => ({ label: p.name.toUpperCase(), pattern: new RegExp(p.source, 'gu') }))];
  const redactText = (text: string, counter: { count: number }) =>
    rules.reduce(
      (current, rule) =>
        current.replace(rule.pattern, (match) => {
          if (rule.accept && !rule.accept(match)) return match;
          counter.count++;
          return `[REDACTED_${rule.label}]`;
        }),
      text,
    );
  return {
    redact(messages) {
      const counter = { count: 0 };
      const redacted = messages.map((message) => {
        const content =
          typeof message.content === 'string'
            ? redactText(message.content, counter)
            : Array.isArray(message.content)
              ? message.content.map((part) =>
                  part.type === 'text' && typeof part.text === 'string' ? { ...part, text: redactText(part.text, counter) } : part,
                )
              : message.content;
        // An earlier tool call's arguments carry what the user said (an email to look up, a card to charge) just as text does.
        const toolCalls = Array.isArray(message.tool_calls)
          ? message.tool_calls.map((call) => redactToolCall(call, (text) => redactText(text, counter)))
          : undefined;
        return { ...message, content, ...(toolCalls && { tool_calls: toolCalls }) };
      });
      return { messages: redacted, count: counter.count };
    },
  };
}

/**
 * A tool call with PII redacted in its `arguments`: each string value of the JSON, so the arguments stay valid JSON
 * (a match may start inside an escape such as `\n`); arguments that are not JSON are redacted as text.
 */
function redactToolCall(call: unknown, redactText: (text: string) => string): unknown {
  const fn = (call as { function?: { arguments?: unknown } } | null)?.function;
  if (typeof fn?.arguments !== 'string') return call;
  let args: string;
  try {
    args = JSON.stringify(redactStrings(JSON.parse(fn.arguments), redactText));
  } catch {
    args = redactText(fn.arguments);
  }
  return { ...(call as object), function: { ...fn, arguments: args } };
}

function redactStrings(value: unknown, redactText: (text: string) => string): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, redactText));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v, redactText)]));
  return value;
}
