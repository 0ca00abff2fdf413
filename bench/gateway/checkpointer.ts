// What `bot dev`'s supervisor does for its services, in a process of its own: checkpoints the WAL of the given SQLite
// files every 250 ms, so the gateway's commits never copy pages themselves. Exits when its parent does.
// Usage: tsx checkpointer.ts <file>…
import { startCheckpointer } from '../../packages/runtime/src/sqlite/checkpointer.ts';

const checkpointer = startCheckpointer(process.argv.slice(2));
const parent = process.ppid;
// Unref'd checkpoint timer: this interval keeps the process alive and ends it with its parent.
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    checkpointer.stop();
    process.exit(0);
  }
}, 500);
process.on('SIGTERM', () => {
  checkpointer.stop();
  process.exit(0);
});
