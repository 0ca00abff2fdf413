// Keeps a delivery's lease while slow work runs (an action, an LLM call), so another consumer does not take it.
import type { Delivery } from '../broker/types.ts';

/**
 * Awaits `work`, renewing the delivery's lease every half lease meanwhile: a heartbeat rather than one long
 * extension up front, so fast work (nearly all) costs no extra write.
 */
export function keepingLease<T>(delivery: Delivery, leaseMs: number, work: Promise<T>): Promise<T> {
  const heartbeat = setInterval(() => void delivery.extendLease(leaseMs).catch(() => {}), leaseMs / 2);
  return work.finally(() => clearInterval(heartbeat));
}
