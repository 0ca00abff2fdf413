// The ops bot's SQLite database: opened on first use, then created and seeded if it is new.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

// This file is lib/db.ts, so the project root is one folder up, wherever the bot is started from.
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where the database lives: `OPS_DB` if set (relative to the project root), else `ops.sqlite` in the
 * runtime's state folder (`INPUTBOT_STATE_DIR`: a temporary one under `bot test --e2e`), else `.bot/`.
 */
export function databasePath(): string {
  const fromEnv = process.env.OPS_DB;
  if (fromEnv === ':memory:') return fromEnv;
  if (fromEnv) return path.resolve(PROJECT_ROOT, fromEnv);
  return path.join(process.env.INPUTBOT_STATE_DIR ?? path.join(PROJECT_ROOT, '.bot'), 'ops.sqlite');
}

const opened = new Map<string, Database.Database>();

/**
 * The database at {@link databasePath}, opened once per process. Opening is lazy so that loading the
 * project (`bot check`, training) never creates files.
 */
export function openDatabase(): Database.Database {
  const file = databasePath();
  const existing = opened.get(file);
  if (existing) return existing;
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Retries and a second executor may write at the same time: wait for the lock instead of failing.
  db.pragma('busy_timeout = 5000');
  createSchema(db);
  seed(db);
  opened.set(file, db);
  return db;
}

function createSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS projects (
      name TEXT PRIMARY KEY COLLATE NOCASE,
      status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'blocked', 'done')),
      due TEXT,
      updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS status_changes (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      project TEXT NOT NULL,
      from_status TEXT NOT NULL,
      to_status TEXT NOT NULL,
      due TEXT,
      changed_by TEXT NOT NULL,
      idempotency_key TEXT,
      changed_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS status_changes_key ON status_changes (idempotency_key);
    CREATE TABLE IF NOT EXISTS employees (
      name TEXT PRIMARY KEY COLLATE NOCASE,
      title TEXT NOT NULL,
      team TEXT NOT NULL,
      email TEXT NOT NULL,
      phone TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS meetings (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      person TEXT NOT NULL,
      starts_at TEXT NOT NULL,
      topic TEXT,
      booked_by TEXT NOT NULL,
      booked_at TEXT NOT NULL
    );
  `);
}

const PROJECTS = [
  ['Apollo', 'in_progress'],
  ['Gemini', 'todo'],
  ['Mercury', 'blocked'],
  ['Voyager', 'in_progress'],
  ['Hubble', 'done'],
  ['Artemis', 'todo'],
  ['Orion', 'in_progress'],
  ['Payments API', 'todo'],
  ['Website Redesign', 'in_progress'],
] as const;

const EMPLOYEES = [
  ['Ada Lovelace', 'Head of Analytics', 'Data', 'ada.lovelace@example.com', '+1 555 0101'],
  ['Grace Hopper', 'Principal Engineer', 'Platform', 'grace.hopper@example.com', '+1 555 0102'],
  ['Alan Turing', 'Security Lead', 'Security', 'alan.turing@example.com', '+1 555 0103'],
  ['Katherine Johnson', 'Staff Engineer', 'Flight Systems', 'katherine.johnson@example.com', '+1 555 0104'],
  ['Linus Torvalds', 'Engineering Manager', 'Kernel', 'linus.torvalds@example.com', '+1 555 0105'],
  ['Margaret Hamilton', 'VP Engineering', 'Engineering', 'margaret.hamilton@example.com', '+1 555 0106'],
  ['Dennis Ritchie', 'Senior Engineer', 'Compilers', 'dennis.ritchie@example.com', '+1 555 0107'],
  ['Barbara Liskov', 'Architect', 'Engineering', 'barbara.liskov@example.com', '+1 555 0108'],
] as const;

// INSERT OR IGNORE keeps seeding safe when two processes open a new database at the same moment.
function seed(db: Database.Database): void {
  const now = new Date().toISOString();
  const addProject = db.prepare('INSERT OR IGNORE INTO projects (name, status, updated_at) VALUES (?, ?, ?)');
  const addEmployee = db.prepare('INSERT OR IGNORE INTO employees (name, title, team, email, phone) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const [name, status] of PROJECTS) addProject.run(name, status, now);
    for (const employee of EMPLOYEES) addEmployee.run(...employee);
  })();
}
