// Bench helper process: consumes `bench.in` and republishes each message to `bench.out` with the time it got it.
import { createSqliteBroker } from '../../packages/runtime/src/broker/index.ts';

const [path, pollIntervalMs] = process.argv.slice(2) as [string, string];
const broker = createSqliteBroker({ path, pollIntervalMs: Number(pollIntervalMs) });
const now = () => performance.timeOrigin + performance.now();

await broker.consume(
  'bench.in',
  'echo',
  async (d) => {
    const { t0 } = d.payload as { t0: number };
    await broker.publish('bench.out', { payload: { t0, t1: now() }, orderingKey: d.orderingKey });
  },
  { concurrency: 64 },
);
process.stdout.write('ready\n');
process.on('SIGTERM', () => void broker.close().then(() => process.exit(0)));
