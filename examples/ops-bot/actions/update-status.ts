// Moves a project to a new status and records the change in status_changes, in one transaction keyed on the
// message's idempotency key, so the change happens once even if the action runs twice.
import { defineAction } from '@inputbot/runtime';
import updateStatus from '../intents/update-status.ts';
import { openDatabase } from '../lib/db.ts';
import { statusLabel } from '../lib/format.ts';

interface ProjectRow {
  name: string;
  status: string;
  due: string | null;
}

interface Change {
  project: string;
  from_status: string;
  to_status: string;
  due: string | null;
}

export default defineAction(updateStatus, {
  run: ({ project, status, due }, ctx) => {
    const db = openDatabase();
    // Every message writes one status_changes row, even when the status stays the same: the table is the log of
    // what the bot did. The executor's idempotency ledger runs an action once per message; but a crash after this
    // commit and before the ledger's (another database) runs it again, so the change is keyed on ctx.idempotencyKey
    // and a second run answers from the first one's row.
    const change = db
      .transaction((): Change | undefined => {
        const done = db.prepare('SELECT project, from_status, to_status, due FROM status_changes WHERE idempotency_key = ?').get(ctx.idempotencyKey) as
          | Change
          | undefined;
        if (done) return done;
        const row = db.prepare('SELECT name, status, due FROM projects WHERE name = ?').get(project) as ProjectRow | undefined;
        if (!row) return undefined;
        const now = new Date().toISOString();
        db.prepare('UPDATE projects SET status = ?, due = coalesce(?, due), updated_at = ? WHERE name = ?').run(status, due ?? null, now, row.name);
        db.prepare(
          'INSERT INTO status_changes (project, from_status, to_status, due, changed_by, idempotency_key, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(row.name, row.status, status, due ?? null, ctx.user, ctx.idempotencyKey, now);
        return { project: row.name, from_status: row.status, to_status: status, due: due ?? null };
      })
      .immediate();
    if (!change) {
      const known = (db.prepare('SELECT name FROM projects ORDER BY name').all() as { name: string }[]).map((p) => p.name);
      return `I don't know a project called "${project}". Projects: ${known.join(', ')}.`;
    }
    const dueText = change.due ? `, due ${change.due}` : '';
    if (change.from_status === change.to_status) return `${change.project} is already ${statusLabel(change.to_status)}${dueText}.`;
    return `Moved ${change.project} from ${statusLabel(change.from_status)} to ${statusLabel(change.to_status)}${dueText}.`;
  },
});
