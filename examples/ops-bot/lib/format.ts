// How the ops bot writes statuses and times in replies.

const STATUS_LABELS: Record<string, string> = { todo: 'to do', in_progress: 'in progress', blocked: 'blocked', done: 'done' };

/** `in_progress` -> `in progress`. */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** An ISO datetime as `2026-03-12 15:00 UTC`: the same on every machine, whatever its time zone. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
