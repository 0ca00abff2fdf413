// Moves a project to a new status and records the change in status_changes, in one transaction.
import { defineAction } from '@inputbot/runtime';
import updateStatus from '../intents/update-status.ts';
import { openDatabase } from '../lib/db.ts';
import { statusLabel } from '../lib/format.ts';

interface ProjectRow {
  name: string;
  status: string;
  due: string | null;
}

export default defineAction(updateStatus, {
  run: ({ project, status, due }, ctx) => {
    const db = openDatabase();
    const row = db.prepare('SELECT name, status, due FROM projects WHERE name = ?').get(project) as ProjectRow | undefined;
    if (!row) {
      const known = (db.prepare('SELECT name FROM projects ORDER BY name').all() as { name: string }[]).map((p) => p.name);
      return `I don't know a project called "${project}". Projects: ${known.join(', ')}.`;
    }
    const now = new Date().toISOString();
    // Every run writes one status_changes row, even when the status stays the same: the table is the
    // log of what the bot did. Exactly-once effects come from the executor's idempotency ledger;
    // the key is stored so that duplicates would show.
    db.transaction(() => {
      db.prepare('UPDATE projects SET status = ?, due = coalesce(?, due), updated_at = ? WHERE name = ?').run(status, due ?? null, now, row.name);
      db.prepare('INSERT INTO status_changes (project, from_status, to_status, due, changed_by, idempotency_key, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        row.name,
        row.status,
        status,
        due ?? null,
        ctx.user,
        ctx.idempotencyKey,
        now,
      );
    })();
    const dueText = due ? `, due ${due}` : '';
    if (row.status === status) return `${row.name} is already ${statusLabel(status)}${dueText}.`;
    return `Moved ${row.name} from ${statusLabel(row.status)} to ${statusLabel(status)}${dueText}.`;
  },
});
