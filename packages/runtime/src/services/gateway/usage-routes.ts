// GET /v1/usage: the LLM cost ledger's totals over a time range, by model, API key and UTC day.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Caller } from '../../llm/api-keys.ts';
import { PRICE_TABLE } from '../../llm/price-table.ts';
import type { Store } from '../../store/types.ts';
import { invalidRequest } from '../http/errors.ts';

export interface UsageRouteDeps {
  store: Store;
  /** The LLM face's key check: with keys configured, the ledger is not public either. */
  authenticate(authorization: string | undefined): Caller;
}

/** An instant: epoch ms, or an ISO date / date-time such as `2026-01-31` (UTC midnight). */
const InstantSchema = z.union([
  z.string().regex(/^\d+$/).transform(Number),
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'expected epoch milliseconds or an ISO date such as 2026-01-31')
    .transform((s) => Date.parse(s)),
]);

export const UsageQuerySchema = z.strictObject({ from: InstantSchema.optional(), to: InstantSchema.optional() });

export function registerUsageRoutes(app: FastifyInstance, deps: UsageRouteDeps): void {
  app.get('/v1/usage', async (request, reply) => {
    let caller: Caller;
    try {
      caller = deps.authenticate(request.headers.authorization);
    } catch (error) {
      const { code, message, status } = error as { code: string; message: string; status: number };
      return reply.code(status).send({ error: { code, message } });
    }
    const query = UsageQuerySchema.safeParse(request.query);
    if (!query.success) throw invalidRequest('query', query.error);
    const range = { ...(query.data.from !== undefined && { from: query.data.from }), ...(query.data.to !== undefined && { to: query.data.to }) };
    // A key that is not an admin sees its own calls only: other keys' ids and spending are not its business.
    const own = caller.admin ? {} : { apiKeyId: caller.keyId };
    const totals = await deps.store.usageTotals({ ...range, ...own });
    return { ...range, ...own, priceTable: PRICE_TABLE.version, ...totals };
  });
}
