// A one-line progress bar on stderr, redrawn at most every 100 ms; silent when not interactive.

export interface Progress {
  update(label: string, done: number, total: number): void;
  done(): void;
}

const WIDTH = 24;

/**
 * A progress bar on stderr when stdout is a terminal (not when the report is piped or in CI); otherwise a
 * no-op. Drawing on stderr keeps stdout clean for the report itself.
 */
export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !process.stdout.isTTY || !stream.isTTY || process.env.CI) return { update() {}, done() {} };
  let last = 0;
  let drawn = false;
  return {
    update(label, done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
      stream.write(`\r\x1b[2K${label.padEnd(9)} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${done}/${total}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
