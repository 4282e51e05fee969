// Mixed load for the crash tests: several clients send grants, deductions, holds (then post or
// void) and course and mall redemptions over HTTP, each with its own Idempotency-Key, and record
// every answer. An answer lost to a crash (connection error, 5xx, a key still in progress) is
// not an answer: the client sends the same request with the same key again until it gets a
// definitive one, as a careful client would. The record is what the ledger audit compares with.
import type { Json } from './json.js';

export type Op = 'grant' | 'deduct' | 'reserve' | 'post' | 'void' | 'redeem';

export interface Call {
  op: Op;
  key: string;
  userId: number;
  path: string;
  body?: unknown;
  /** The definitive answer (2xx or a 4xx refusal); undefined while none came. */
  status?: number;
  res?: Json;
  /** The answer was a replay of an earlier outcome under the same key. */
  replayed?: boolean;
  /** Sends that got no definitive answer (connection lost, 5xx, in progress) before this one. */
  retries: number;
}

export interface Transient {
  at: number;
  what: string;
}

/** Where the service listens now; closed while it is down, so clients wait instead of spinning. */
export class Gate {
  private base: string | undefined;
  private waiters: Array<(base: string) => void> = [];
  open(base: string) {
    this.base = base;
    for (const w of this.waiters.splice(0)) w(base);
  }
  close() {
    this.base = undefined;
  }
  wait(): Promise<string> {
    return this.base
      ? Promise.resolve(this.base)
      : new Promise((resolve) => this.waiters.push(resolve));
  }
}

const COURSES = [
  'python-basics',
  'data-analysis-pandas',
  'sql-databases',
  'machine-learning-intro',
  'deep-learning',
  'product-management',
  'ux-design',
  'public-speaking',
  'time-management',
  'business-english',
  'personal-finance',
  'stock-investing',
];
const ITEMS = ['coupon-20', 'ebook-habits', 'notebook', 'tote-bag'];
const PHYSICAL = new Set(['notebook', 'tote-bag']);
const ADDRESS = {
  name: 'Crash Test',
  phone: '+86 138 0000 0000',
  line1: '1 Test Road',
  city: 'Shanghai',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

export interface LoadOptions {
  gate: Gate;
  adminKey: string;
  /** Tag of this run, so keys never repeat across runs on one database. */
  tag: string;
  /** Give up on a request that has no definitive answer after this long (the test then fails). */
  answerWithinMs?: number;
}

export function createLoad(opts: LoadOptions) {
  const calls: Call[] = [];
  const transients: Transient[] = [];
  let seq = 0;
  const answerWithinMs = opts.answerWithinMs ?? 60_000;

  /** Sends a call until a definitive answer arrives; the same key and body every time. */
  async function send(call: Call): Promise<Call> {
    calls.push(call);
    const since = Date.now();
    for (;;) {
      if (Date.now() - since > answerWithinMs)
        throw new Error(
          `no definitive answer in ${answerWithinMs} ms to ${call.op} ${call.path} (${call.key})`,
        );
      const base = await opts.gate.wait();
      try {
        const res = await fetch(base + call.path, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${opts.adminKey}`,
            'content-type': 'application/json',
            'idempotency-key': call.key,
          },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        const body = text ? JSON.parse(text) : undefined;
        const code = body?.error?.code;
        if (res.status >= 500 || res.status === 429 || code === 'idempotency_in_progress') {
          transients.push({ at: Date.now(), what: `${res.status} ${code ?? ''}`.trim() });
          call.retries++;
          await sleep(res.status === 429 ? 1000 : between(50, 250));
          continue;
        }
        call.status = res.status;
        call.res = body;
        call.replayed =
          res.headers.get('idempotent-replayed') === 'true' || body?.replayed === true;
        return call;
      } catch (err) {
        // The process died under the request (or the body was cut off): the outcome is unknown.
        transients.push({ at: Date.now(), what: `network ${(err as Error).name}` });
        call.retries++;
        await sleep(between(20, 80));
      }
    }
  }

  const newCall = (op: Op, userId: number, path: string, body?: unknown): Call => ({
    op,
    userId,
    path,
    body,
    key: `${opts.tag}-${++seq}-${op}`,
    retries: 0,
  });

  async function flow(userId: number) {
    const r = Math.random();
    if (r < 0.3) {
      await send(
        newCall('grant', userId, '/v1/admin/grants', {
          userId,
          amount: between(1, 800),
          reason: 'crash test grant',
        }),
      );
    } else if (r < 0.55) {
      await send(
        newCall('deduct', userId, '/v1/admin/deductions', {
          userId,
          amount: between(1, 600),
          reason: 'crash test deduction',
        }),
      );
    } else if (r < 0.8) {
      const amount = between(1, 400);
      const held = await send(
        newCall('reserve', userId, '/v1/admin/holds', {
          userId,
          amount,
          reason: 'crash test hold',
          ttlSeconds: 3600,
        }),
      );
      if (held.status !== 201) return;
      const holdId = held.res.holdId as number;
      const choice = Math.random();
      if (choice < 0.35) await send(newCall('void', userId, `/v1/admin/holds/${holdId}/void`));
      else
        await send(
          newCall(
            'post',
            userId,
            `/v1/admin/holds/${holdId}/post`,
            choice < 0.7 ? {} : { amount: between(1, amount) },
          ),
        );
    } else if (r < 0.88) {
      await send(
        newCall('redeem', userId, `/v1/users/${userId}/redemptions`, {
          kind: 'course',
          slug: pick(COURSES),
        }),
      );
    } else {
      const slug = pick(ITEMS);
      await send(
        newCall('redeem', userId, `/v1/users/${userId}/redemptions`, {
          kind: 'item',
          slug,
          quantity: between(1, 2),
          ...(PHYSICAL.has(slug) ? { address: ADDRESS } : {}),
        }),
      );
    }
  }

  /** Runs `clients` clients over `users` until stop() is called; stop() waits for open flows. */
  function run(users: number[], clients: number) {
    let stopped = false;
    const loops = Array.from({ length: clients }, async () => {
      while (!stopped) await flow(pick(users));
    });
    const all = Promise.all(loops);
    all.catch(() => undefined); // reported by stop()
    return {
      stop: async () => {
        stopped = true;
        await all;
      },
    };
  }

  return { calls, transients, send, newCall, run };
}
