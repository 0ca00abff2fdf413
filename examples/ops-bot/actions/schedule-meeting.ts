// Books a meeting with someone from the staff directory, refusing a double booking.
import { defineAction } from '@inputbot/runtime';
import scheduleMeeting from '../intents/schedule-meeting.ts';
import { openDatabase } from '../lib/db.ts';
import { formatDateTime } from '../lib/format.ts';

export default defineAction(scheduleMeeting, {
  run: ({ person, when, topic }, ctx) => {
    const db = openDatabase();
    const matches = db.prepare('SELECT name FROM employees WHERE name LIKE ? ORDER BY name').all(`%${person}%`) as { name: string }[];
    if (matches.length > 1) return `Which ${person}? ${matches.map((m) => m.name).join(' or ')}.`;
    // Someone outside the directory can still be met: keep the name as the user wrote it.
    const who = matches[0]?.name ?? person;
    const startsAt = new Date(when).toISOString();
    const clash = db.prepare('SELECT topic FROM meetings WHERE person = ? AND starts_at = ?').get(who, startsAt);
    if (clash) return `${who} already has a meeting at ${formatDateTime(startsAt)}.`;
    db.prepare('INSERT INTO meetings (person, starts_at, topic, booked_by, booked_at) VALUES (?, ?, ?, ?, ?)').run(
      who,
      startsAt,
      topic ?? null,
      ctx.user,
      new Date().toISOString(),
    );
    return `Booked a meeting with ${who} on ${formatDateTime(startsAt)}${topic ? ` about ${topic}` : ''}.`;
  },
});
