// LLM cassettes for `bot test`: `record` saves every exchange (request hash -> response) of a run, `replay`
// answers from the file with no network and no key, so CI runs LLM fixtures deterministically.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';

const ExchangeSchema = z.object({
  /** What the request was, for people reading the file; the hash alone decides a match. */
  request: z.object({ endpoint: z.string(), model: z.string().optional(), text: z.string().optional() }),
  response: z.object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.unknown() }),
});

const CassetteFileSchema = z.object({
  version: z.literal(1),
  /** The time the run was recorded at, which a replay scores against (cassettes written before it have none). */
  referenceTime: z.iso.datetime().optional(),
  exchanges: z.record(z.string(), ExchangeSchema),
});

type Exchange = z.infer<typeof ExchangeSchema>;

/** Response headers worth keeping: the rest (dates, request ids) would only make recordings differ. */
const KEPT_HEADERS = ['content-type', 'x-inputbot-cost-usd'];

/** A request that is not in the cassette being replayed. */
export class CassetteMissError extends Error {
  override readonly name = 'CassetteMissError';
  readonly code = 'CASSETTE_MISS';
  readonly nonRetryable = true;
}

/** A cassette file that cannot be read. */
export class CassetteFileError extends Error {
  override readonly name = 'CassetteFileError';
  readonly code = 'CASSETTE_INVALID';
  readonly nonRetryable = true;
}

export interface Cassette {
  mode: 'record' | 'replay';
  /** Give this to the openai SDK (`fetch` option). */
  fetch: typeof fetch;
  /** Exchanges recorded or replayed so far. */
  readonly size: number;
  /**
   * The time relative dates resolve against: when recording, now; when replaying, the recording's. A prompt says
   * what time it is ("friday" needs it), so a replay at another time would ask something never recorded.
   */
  readonly referenceTime: Date | undefined;
  /** `record`: writes the run's exchanges (JSON, or YAML for `.yaml`/`.yml`). `replay`: nothing. */
  save(): Promise<void>;
}

/** Opens `file` to record into (it is overwritten on save) or to replay from (it must exist). */
export async function openCassette(file: string, mode: 'record' | 'replay', realFetch: typeof fetch = fetch): Promise<Cassette> {
  const exchanges = new Map<string, Exchange>();
  const yaml = /\.ya?ml$/i.test(file);
  let referenceTime: Date | undefined = new Date();
  if (mode === 'replay') {
    const recorded = await readCassette(file, yaml);
    for (const [hash, exchange] of Object.entries(recorded.exchanges)) exchanges.set(hash, exchange);
    referenceTime = recorded.referenceTime === undefined ? undefined : new Date(recorded.referenceTime);
  }
  let used = 0;
  const cassetteFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const bodyText = typeof init?.body === 'string' ? init.body : '';
    const body = bodyText ? (JSON.parse(bodyText) as Record<string, unknown>) : {};
    const endpoint = url.pathname.replace(/^.*?\/v1\//, '');
    const hash = hashRequest(endpoint, body);
    if (mode === 'replay') {
      const exchange = exchanges.get(hash);
      if (!exchange) {
        const what = describe(endpoint, body);
        throw new CassetteMissError(
          `no recorded answer for request ${hash} (${what.model ?? 'no model'}, ${JSON.stringify(what.text ?? '')}) in ${file}: the prompt or fixtures changed since it was recorded; record again with bot test --record ${file}`,
        );
      }
      used++;
      return new Response(JSON.stringify(exchange.response.body), { status: exchange.response.status, headers: exchange.response.headers });
    }
    const response = await realFetch(input, init);
    const text = await response.clone().text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    const headers = Object.fromEntries(KEPT_HEADERS.flatMap((h) => (response.headers.has(h) ? [[h, response.headers.get(h) as string]] : [])));
    // Only answers worth replaying: an error would be replayed as a failure forever.
    if (response.ok) exchanges.set(hash, { request: describe(endpoint, body), response: { status: response.status, headers, body: parsed } });
    used++;
    return response;
  };
  return {
    mode,
    fetch: cassetteFetch as typeof fetch,
    get size() {
      return used;
    },
    referenceTime,
    async save() {
      if (mode !== 'record') return;
      const data = {
        version: 1,
        referenceTime: referenceTime?.toISOString(),
        exchanges: Object.fromEntries([...exchanges].sort(([a], [b]) => a.localeCompare(b))),
      };
      await mkdir(path.dirname(path.resolve(file)), { recursive: true });
      await writeFile(file, yaml ? stringifyYaml(data) : `${JSON.stringify(data, null, 2)}\n`);
    },
  };
}

/** sha256 of the endpoint and the request body with its keys sorted: the same request hashes the same anywhere. */
export function hashRequest(endpoint: string, body: unknown): string {
  return createHash('sha256')
    .update(`${endpoint}\n${canonicalJson(body)}`)
    .digest('hex')
    .slice(0, 32);
}

async function readCassette(file: string, yaml: boolean): Promise<z.infer<typeof CassetteFileSchema>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CassetteFileError(`cannot read the cassette ${file} (${(error as Error).message}): record one first with bot test --record ${file}`);
  }
  try {
    return CassetteFileSchema.parse(yaml ? parseYaml(text) : JSON.parse(text));
  } catch (error) {
    throw new CassetteFileError(`${file} is not a cassette written by bot test --record: ${(error as Error).message.slice(0, 300)}`);
  }
}

function describe(endpoint: string, body: Record<string, unknown>): Exchange['request'] {
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : [];
  const last = messages.filter((m) => m.role === 'user').at(-1);
  const text = typeof last?.content === 'string' ? last.content.slice(0, 200) : undefined;
  return { endpoint, ...(typeof body.model === 'string' && { model: body.model }), ...(text !== undefined && { text }) };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
