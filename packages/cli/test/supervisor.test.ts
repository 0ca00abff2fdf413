// The supervisor on real child processes: ready, output lines, restart with backoff, clean stop.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceState } from '../src/supervisor/service-process.ts';
import { createSupervisor, type Supervisor } from '../src/supervisor/supervisor.ts';
import { isAlive } from './helpers/processes.ts';

const FAKE = path.join(import.meta.dirname, 'fixtures/fake-service.mjs');
const running: Supervisor[] = [];

function supervise(specs: { name: string; mode?: string }[]) {
  const lines: string[] = [];
  const states: [string, ServiceState, number][] = [];
  const delays: number[] = [];
  const supervisor = createSupervisor(
    specs.map(({ name, mode }) => ({ name, file: FAKE, env: { FAKE_MODE: mode ?? 'steady' } })),
    {
      onLine: (service, line, stream) => lines.push(`${service} ${stream}: ${line}`),
      onState: (service, state, detail) => {
        states.push([service, state, detail.restarts]);
        if (detail.delayMs !== undefined) delays.push(detail.delayMs);
      },
    },
    { backoff: { initialMs: 50, maxMs: 400 } },
  );
  running.push(supervisor);
  return { supervisor, lines, states, delays };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop(500)));
});

describe('supervisor', () => {
  it('starts every service, forwards their lines, and stops them all', async () => {
    const { supervisor, lines } = supervise([{ name: 'gateway' }, { name: 'nlp' }]);
    await supervisor.start();
    const pids = supervisor.services.map((s) => s.pid as number);
    expect(pids.every(isAlive)).toBe(true);
    await expect.poll(() => lines.filter((l) => l.includes('stdout: up pid=')).length).toBe(2);
    expect(lines).toContain('nlp stderr: a line on stderr');
    await supervisor.stop();
    expect(supervisor.services.map((s) => s.state)).toEqual(['stopped', 'stopped']);
    expect(pids.some(isAlive)).toBe(false);
  });

  it('restarts a crashed service with growing delays', async () => {
    const { supervisor, states, delays } = supervise([{ name: 'executor', mode: 'crash' }]);
    await supervisor.start();
    await expect.poll(() => supervisor.get('executor')?.restarts ?? 0, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    const restarting = states.filter(([, state]) => state === 'restarting').map(([, , n]) => n);
    expect(restarting.slice(0, 3)).toEqual([1, 2, 3]);
    expect(delays.slice(0, 3)).toEqual([50, 100, 200]);
    expect(states.filter(([, state]) => state === 'ready').length).toBeGreaterThanOrEqual(3);
  });

  it('kills a service that ignores SIGTERM after the timeout', async () => {
    const { supervisor, lines } = supervise([{ name: 'receiver', mode: 'stubborn' }]);
    await supervisor.start();
    const pid = supervisor.get('receiver')?.pid as number;
    await supervisor.stop(300);
    expect(isAlive(pid)).toBe(false);
    expect(lines).toContain('receiver stdout: ignoring SIGTERM');
  });

  it('rejects start when a service never reports ready, naming it', async () => {
    const supervisor = createSupervisor([{ name: 'slow', file: FAKE, env: { FAKE_START_DELAY_MS: '5000' } }]);
    running.push(supervisor);
    await expect(supervisor.start(300)).rejects.toThrow('not ready after 300 ms: slow');
  });
});
