// SQLite upkeep a supervising process does for the services' databases (kept apart: it loads no service code).
export { type Checkpointer, startCheckpointer } from './checkpointer.ts';
export type { WalCheckpoints } from './open.ts';
