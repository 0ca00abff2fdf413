// `.bot/dev.json`: what `bot dev` is running (services, pids, ports), for `bot status` and other tools.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DevState {
  pid: number;
  root: string;
  startedAt: string;
  gatewayUrl?: string;
  services: { name: string; pid?: number; port?: number; state: string; restarts: number }[];
}

export function devStateFile(root: string): string {
  return path.join(root, '.bot', 'dev.json');
}

export function writeDevState(root: string, state: DevState): void {
  writeFileSync(devStateFile(root), `${JSON.stringify(state, null, 2)}\n`);
}

export function removeDevState(root: string): void {
  rmSync(devStateFile(root), { force: true });
}
