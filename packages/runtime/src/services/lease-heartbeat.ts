// Keeps a delivery's lease while slow work runs (an action, an LLM call), so another consumer does not take it.
import type { Delivery } from '../broker/types.ts';

/**
 * Awaits `work`, renewing the delivery's lease every half lease meanwhile: a heartbeat rather than one long
 * extension up front, so fast work (nearly all) costs no extra write. `renew` beats along with it (the
 * executor's idempotency claim, which stays alive only while it is renewed).
 */
export function keepingLease<T>(delivery: Delivery, leaseMs: number, work: Promise<T>, renew?: () => Promise<unknown>): Promise<T> {
  const heartbeat = setInterval(() => {
    void delivery.extendLease(leaseMs).catch(() => {});
    void renew?.().catch(() => {});
  }, leaseMs / 2);
  return work.finally(() => clearInterval(heartbeat));
}
