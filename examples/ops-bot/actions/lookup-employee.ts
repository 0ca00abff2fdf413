// Finds people in the staff directory by any part of their name.
import { defineAction } from '@inputbot/runtime';
import lookupEmployee from '../intents/lookup-employee.ts';
import { openDatabase } from '../lib/db.ts';

interface EmployeeRow {
  name: string;
  title: string;
  team: string;
  email: string;
  phone: string;
}

export default defineAction(lookupEmployee, {
  run: ({ name }) => {
    const db = openDatabase();
    const found = db.prepare('SELECT name, title, team, email, phone FROM employees WHERE name LIKE ? ORDER BY name LIMIT 5').all(`%${name}%`) as EmployeeRow[];
    const [first] = found;
    if (!first) return `I couldn't find anyone called ${name} in the directory.`;
    if (found.length > 1) return `I found ${found.length} people: ${found.map((e) => `${e.name} (${e.team})`).join(', ')}. Which one?`;
    return {
      text: `${first.name} is ${first.title} in ${first.team}: ${first.email}, ${first.phone}.`,
      data: { employee: first },
    };
  },
});
