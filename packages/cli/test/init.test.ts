// `bot init` end to end: the built CLI in temporary folders, with a real pseudo-terminal for the prompts.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { templates } from '@inputbot/templates';
import { afterAll, describe, expect, it } from 'vitest';
import { BOT_BIN, REPO_ROOT, runBot } from './helpers/cli.ts';

const templateDir = (name: string) => templates.find((t) => t.name === name)?.dir as string;
const made: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'bot-init-'));
  made.push(dir);
  return dir;
};
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Every file under `dir`, relative, without node_modules. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory() && !path.relative(dir, e.parentPath).split(path.sep).includes('node_modules') && e.name !== 'node_modules')
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Runs the project's own linked `bot` (node_modules/.bin/bot), as `npx bot` would. */
function runLinkedBot(project: string, args: string[]) {
  return runBot(args, { cwd: project, bin: path.join(project, 'node_modules/.bin/bot') });
}

describe('bot init --yes', () => {
  it('creates the ops template, filled in and linked, and it passes bot check', async () => {
    const cwd = await tempDir();
    const run = await runBot(['init', 'my-ops', '--yes', '--template', 'ops'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('created my-ops in my-ops from the ops template (nlu: local, broker: sqlite)');
    expect(run.stdout).toMatch(/Next steps:\n {2}cd my-ops\n {2}npx bot check/);
    const project = path.join(cwd, 'my-ops');

    // Every template file is there; only the filled-in values differ.
    const expected = listFiles(templateDir('ops')).map((f) => (f === '_gitignore' ? '.gitignore' : f));
    expect(listFiles(project)).toEqual(expected.sort());
    const filled = new Set(['bot.config.ts', 'package.json', 'README.md', '.gitignore']);
    for (const file of expected.filter((f) => !filled.has(f))) {
      expect(readFileSync(path.join(project, file), 'utf8'), file).toBe(readFileSync(path.join(templateDir('ops'), file), 'utf8'));
    }
    expect(readFileSync(path.join(project, '.gitignore'), 'utf8')).toBe(readFileSync(path.join(templateDir('ops'), '_gitignore'), 'utf8'));
    const config = readFileSync(path.join(project, 'bot.config.ts'), 'utf8');
    expect(config).toBe(readFileSync(path.join(templateDir('ops'), 'bot.config.ts'), 'utf8').replace("name: 'ops-bot'", "name: 'my-ops'"));
    const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-ops');
    expect(pkg.dependencies).toEqual(JSON.parse(readFileSync(path.join(templateDir('ops'), 'package.json'), 'utf8')).dependencies);
    expect(readFileSync(path.join(project, 'README.md'), 'utf8').split('\n')[0]).toBe('# my-ops');

    // Linked to this checkout, so no install is needed.
    expect(readlinkSync(path.join(project, 'node_modules/@inputbot/runtime'))).toBe(path.join(REPO_ROOT, 'packages/runtime'));
    expect(readlinkSync(path.join(project, 'node_modules/@inputbot/cli'))).toBe(path.join(REPO_ROOT, 'packages/cli'));
    expect(readlinkSync(path.join(project, 'node_modules/.bin/bot'))).toBe('../@inputbot/cli/bin/bot.js');
    expect(lstatSync(path.join(project, 'node_modules/better-sqlite3')).isSymbolicLink()).toBe(true);
    // Nothing but the project is left in the parent folder.
    expect(await readdir(cwd)).toEqual(['my-ops']);

    const check = await runLinkedBot(project, ['check']);
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('my-ops (.): 4 intents, 103 examples, 3 actions, 24 fixtures — no problems');
    expect(check.exitCode).toBe(0);
    // Loading the project must not create the ops database.
    expect(existsSync(path.join(project, '.bot'))).toBe(false);

    // The template's fixtures pass as shipped.
    const test = await runLinkedBot(project, ['test', '--no-progress']);
    expect(test.stdout).toContain('✔ 24 of 24 fixtures passed');
    expect(test.exitCode).toBe(0);
  });

  it('creates the starter template with the NLU mode, broker and name from flags', async () => {
    const cwd = await tempDir();
    const run = await runBot(['init', 'folder', '--yes', '--template', 'starter', '--name', '@acme/helper', '--nlu', 'cascade', '--broker', 'nats'], { cwd });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('nlu cascade calls an LLM: copy .env.example to .env');
    const project = path.join(cwd, 'folder');
    const config = readFileSync(path.join(project, 'bot.config.ts'), 'utf8');
    const template = readFileSync(path.join(templateDir('starter'), 'bot.config.ts'), 'utf8');
    expect(config).toBe(
      template
        .replace("name: 'starter-bot'", "name: '@acme/helper'")
        .replace("mode: 'local'", "mode: 'cascade'")
        .replace("kind: 'sqlite'", "kind: 'nats', url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222'"),
    );
    expect(existsSync(path.join(project, 'intents/check-order.ts'))).toBe(true);
    expect(existsSync(path.join(project, 'lib'))).toBe(false);
    const check = await runBot(['check'], { cwd: project });
    expect(check.stdout).toContain('@acme/helper (.): 5 intents');
    expect(check.exitCode).toBe(0);
    // cascade mode calls an LLM when unsure: with none configured, bot test says how to give it one.
    const test = await runBot(['test', '--no-progress'], { cwd: project });
    expect(test.stderr).toContain('set INPUTBOT_LLM_URL');
    expect(test.exitCode).toBe(2);
  });

  it('defaults the folder to the name without its scope, and says what --no-link means', async () => {
    const cwd = await tempDir();
    const run = await runBot(['init', '--yes', '--name', '@acme/shop-bot', '--no-link'], { cwd });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('--no-link: dependencies are not linked: run npm install');
    expect(run.stdout).toMatch(/cd shop-bot\n {2}npm install\n/);
    expect(existsSync(path.join(cwd, 'shop-bot/bot.config.ts'))).toBe(true);
    expect(existsSync(path.join(cwd, 'shop-bot/node_modules'))).toBe(false);
  });
});

/** One step of a terminal session: wait until the screen shows `waitFor`, then type `keys` one by one. */
interface Step {
  waitFor: RegExp;
  keys: string[];
}

const ENTER = '\r';
const DOWN = '\x1b[B';
const CTRL_C = '\x03';

/**
 * Runs `bot ...args` in a real pseudo-terminal (util-linux `script`), typing keys as prompts appear.
 * Resolves with the exit code and the screen output, colour codes removed.
 */
function runInTerminal(args: string[], cwd: string, steps: Step[]): Promise<{ exitCode: number | null; output: string }> {
  const command = [process.execPath, BOT_BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  // CI would make the CLI treat even a terminal as non-interactive.
  const { CI: _ci, ...env } = process.env;
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd, env: { ...env, NO_COLOR: '1', TERM: 'xterm' } });
  let output = '';
  let searchFrom = 0;
  let step = 0;
  let typing = false;
  const typeNext = async () => {
    const next = steps[step];
    if (typing || !next) return;
    const match = next.waitFor.exec(output.slice(searchFrom));
    if (!match) return;
    typing = true;
    searchFrom += match.index + match[0].length;
    step++;
    for (const key of next.keys) {
      child.stdin.write(key);
      await new Promise((r) => setTimeout(r, 80));
    }
    typing = false;
    void typeNext();
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      output += stripVTControlCharacters(d.toString());
      void typeNext();
    });
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output });
    });
  });
}

describe('bot init in a terminal', () => {
  it('asks for name, template, NLU mode and broker, and writes the answers', async () => {
    const cwd = await tempDir();
    const session = await runInTerminal(['init', 'my-bot'], cwd, [
      { waitFor: /Bot name/, keys: [ENTER] },
      { waitFor: /Template/, keys: [DOWN, ENTER] },
      { waitFor: /NLU mode/, keys: [DOWN, DOWN, ENTER] },
      { waitFor: /Broker/, keys: [ENTER] },
    ]);
    expect(session.output).toContain('created my-bot in my-bot from the ops template (nlu: cascade, broker: sqlite)');
    expect(session.exitCode).toBe(0);
    const config = readFileSync(path.join(cwd, 'my-bot/bot.config.ts'), 'utf8');
    expect(config).toMatch(/name: 'my-bot',[\s\S]*mode: 'cascade',[\s\S]*kind: 'sqlite',/);
    expect(existsSync(path.join(cwd, 'my-bot/lib/db.ts'))).toBe(true);
  });

  it('checks the name as it is entered, and asks again', async () => {
    const cwd = await tempDir();
    const session = await runInTerminal(['init', 'Bad Dir'], cwd, [
      { waitFor: /Bot name/, keys: [ENTER] },
      { waitFor: /name can only contain URL-friendly characters/, keys: [...'good-bot', ENTER] },
      { waitFor: /Template/, keys: [ENTER] },
      { waitFor: /NLU mode/, keys: [ENTER] },
      { waitFor: /Broker/, keys: [DOWN, ENTER] },
    ]);
    expect(session.exitCode).toBe(0);
    const config = readFileSync(path.join(cwd, 'Bad Dir/bot.config.ts'), 'utf8');
    expect(config).toContain("name: 'good-bot'");
    expect(config).toContain("kind: 'nats'");
    expect(existsSync(path.join(cwd, 'Bad Dir/intents/check-order.ts'))).toBe(true);
  });

  it('stops on Ctrl-C with exit code 130 and writes nothing', async () => {
    const cwd = await tempDir();
    const session = await runInTerminal(['init', 'my-bot'], cwd, [
      { waitFor: /Bot name/, keys: [ENTER] },
      { waitFor: /Template/, keys: [CTRL_C] },
    ]);
    expect(session.output).toContain('cancelled, nothing written');
    expect(session.exitCode).toBe(130);
    expect(await readdir(cwd)).toEqual([]);
  });
});

describe('bot init without a terminal', () => {
  it('uses defaults for what flags did not give, and says so', async () => {
    const cwd = await tempDir();
    const run = await runBot(['init', 'quiet-bot', '--nlu', 'llm'], { cwd });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe(
      '▲ not an interactive terminal: using name quiet-bot, template starter, broker sqlite (pass flags, or --yes to accept defaults quietly)\n',
    );
    expect(readFileSync(path.join(cwd, 'quiet-bot/bot.config.ts'), 'utf8')).toContain("mode: 'llm'");
  });
});

describe('bot init refuses', () => {
  it('a folder name that is not a valid package name, with the rule it breaks', async () => {
    const cwd = await tempDir();
    const run = await runBot(['init', 'My Bot', '--yes'], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('✖ "My Bot" is not a valid bot name: name can only contain URL-friendly characters (pass --name <name>)\n');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('a --name that npm would not accept for a new package', async () => {
    const cwd = await tempDir();
    const run = await runBot(['init', 'x', '--yes', '--name', 'Bot'], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('✖ "Bot" is not a valid bot name: name can no longer contain capital letters\n');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('an unknown template', async () => {
    const run = await runBot(['init', 'x', '--yes', '--template', 'chat'], { cwd: await tempDir() });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("argument 'chat' is invalid. Allowed choices are starter, ops.");
  });

  it('a non-empty folder without --force, changing nothing', async () => {
    const cwd = await tempDir();
    await mkdir(path.join(cwd, 'taken'));
    await writeFile(path.join(cwd, 'taken/notes.txt'), 'keep me');
    const run = await runBot(['init', 'taken', '--yes'], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('✖ taken is not empty (1 entry): choose another folder, or pass --force to write over it\n');
    expect(await readdir(path.join(cwd, 'taken'))).toEqual(['notes.txt']);
    expect(await readdir(cwd)).toEqual(['taken']);
  });
});

describe('bot init --force', () => {
  it('writes over a non-empty folder, keeping files the template does not have', async () => {
    const cwd = await tempDir();
    const project = path.join(cwd, 'taken');
    await mkdir(path.join(project, 'intents'), { recursive: true });
    await writeFile(path.join(project, 'notes.txt'), 'keep me');
    await writeFile(path.join(project, 'README.md'), 'old readme');
    const run = await runBot(['init', 'taken', '--yes', '--force', '--template', 'ops'], { cwd });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(path.join(project, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(readFileSync(path.join(project, 'README.md'), 'utf8')).toMatch(/^# taken\n/);
    expect(await readdir(cwd)).toEqual(['taken']);
    const check = await runLinkedBot(project, ['check']);
    expect(check.exitCode).toBe(0);
  });

  it('changes nothing when the template clashes with what is there (a file where it needs a folder)', async () => {
    const cwd = await tempDir();
    const project = path.join(cwd, 'taken');
    await mkdir(project);
    await writeFile(path.join(project, 'intents'), 'a file, not a folder');
    await writeFile(path.join(project, 'README.md'), 'old readme');
    const run = await runBot(['init', 'taken', '--yes', '--force'], { cwd });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('cannot write over intents in');
    expect(run.stderr).toContain('nothing was changed');
    expect((await readdir(project)).sort()).toEqual(['README.md', 'intents']);
    expect(readFileSync(path.join(project, 'README.md'), 'utf8')).toBe('old readme');
    expect(await readdir(cwd)).toEqual(['taken']);
  });
});

describe('bot init failing half-way', () => {
  it('leaves nothing behind, not even the parent folders it created', async () => {
    // A path just short of PATH_MAX (4096): the target folder can be created, but the longer paths
    // of the template's files inside the temporary copy cannot, so the copy fails part-way through.
    let base = await tempDir();
    while (base.length < 3650) base = path.join(base, 'd'.repeat(200));
    base = path.join(base, 'e'.repeat(3854 - base.length - 1));
    await mkdir(base, { recursive: true });
    // The parent is 4055 characters: its temporary sibling fits, "intents/lookup-employee.ts" in it does not.
    const target = path.join(base, 'p'.repeat(200), 'b');
    expect(path.dirname(target)).toHaveLength(4055);
    const run = await runBot(['init', target, '--yes', '--template', 'ops', '--name', 'deep-bot']);
    expect(run.stderr).toMatch(/could not write .*ENAMETOOLONG.*; nothing was left behind/);
    expect(run.exitCode).toBe(1);
    expect(await readdir(base)).toEqual([]);
  });
});
