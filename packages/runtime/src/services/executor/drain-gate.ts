// createDrainGate: lets work run concurrently, and lets a reload wait for it all to finish while new work waits.
export interface DrainGate {
  /** Runs `work` once no exclusive section is pending. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Stops new work from starting, waits for running work to finish, runs `section`, then lets work resume. */
  exclusive(section: () => void | Promise<void>): Promise<void>;
}

export function createDrainGate(): DrainGate {
  let active = 0;
  let held: Promise<void> | undefined;
  let onIdle: (() => void) | undefined;
  return {
    async run(work) {
      while (held) await held;
      active++;
      try {
        return await work();
      } finally {
        active--;
        if (active === 0) onIdle?.();
      }
    },
    async exclusive(section) {
      while (held) await held;
      let release = () => {};
      held = new Promise((resolve) => {
        release = resolve;
      });
      try {
        if (active > 0) await new Promise<void>((resolve) => (onIdle = resolve));
        await section();
      } finally {
        onIdle = undefined;
        held = undefined;
        release();
      }
    },
  };
}
