// Reads a yes/no answer to a confirmation (or a "cancel" while a question is open).
const YES = new Set(['yes', 'y', 'yeah', 'yep', 'yup', 'sure', 'confirm', 'confirmed', 'ok', 'okay', 'do']);
const NO = new Set(['no', 'n', 'nope', 'nah', 'cancel', 'stop', 'abort', 'dont', "don't", 'never']);

/** `yes`, `no`, or `undefined` when the text is neither. Judged by the first word: "yes please", "no thanks", "cancel it". */
export function readYesNo(text: string): 'yes' | 'no' | undefined {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  const first = words[0];
  if (first === undefined) return undefined;
  if (NO.has(first)) return 'no';
  if (YES.has(first) && !words.some((w) => NO.has(w))) return 'yes';
  return undefined;
}

/** True when the whole text just cancels the open question ("cancel", "stop", "never mind"). */
export function isCancel(text: string): boolean {
  const normalized = text
    .toLowerCase()
    .replace(/[^a-z ]+/g, '')
    .trim();
  return ['cancel', 'stop', 'abort', 'never mind', 'nevermind', 'forget it', 'no'].includes(normalized);
}
