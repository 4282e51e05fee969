// SQL-meaningful text (`;`, quotes, backslashes, `$1`, `?`, comments, `%`, very long, emoji, RTL,
// CJK) in every text slot of every route of /openapi.json, on whichever database this run uses:
// never a 5xx; a 2xx stored the text exactly (read back through the API) and an Idempotency-Key
// replays; a 4xx is a JSON error that changed nothing; text the schema allows is not refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  createHarness,
  SERVICE_KEY,
  stackWithClock,
  uniqueKey,
  type Harness,
  type Stack,
} from './support/harness.js';
import { fixtures, type Fixtures, type Res } from './support/fuzz-text.fixtures.js';
import { NOT_BUILT, RECIPES, type Built, type Recipe } from './support/fuzz-text.recipes.js';
import {
  fitsSchema,
  holdsString,
  operations,
  setAt,
  textSlots,
  type OpenApiDoc,
  type Operation,
  type Slot,
} from './support/openapi-walk.js';
import { LONG, SQL_TEXT, valuesFor } from './support/fuzz-text.values.js';
import { query } from '../src/db/sql.js';

let h: Harness;
let st: Stack;
let f: Fixtures;
let doc: OpenApiDoc;
let ops: Operation[];

beforeAll(async () => {
  // Text, not floods, is under test here: the per-user limits would refuse the walk's many calls.
  const off = 'off';
  h = await createHarness({
    env: {
      RATE_LIMIT_CHAT_SESSION: off,
      RATE_LIMIT_CHAT_IP: off,
      RATE_LIMIT_CHAT_USER: off,
      RATE_LIMIT_SESSION_CREATE_IP: off,
      RATE_LIMIT_CHECKIN_USER: off,
      RATE_LIMIT_REDEEM_USER: off,
    },
  });
  st = await stackWithClock(h);
  f = fixtures(st, h);
  await f.setup();
  doc = (await st.api('GET', '/openapi.json', { key: null })).body;
  ops = operations(doc);
});
afterAll(async () => h?.close());

/** What any change would show: row counts, and a digest of the rows routes edit in place. */
async function snapshot(): Promise<Record<string, unknown>> {
  const digest = (t: string) =>
    `(select md5(coalesce(string_agg(x::text, ',' order by x::text), '')) from ${t} x)`;
  const count = (t: string) => `(select count(*)::int from ${t})`;
  const tables = [
    'ledger_entry',
    'ledger_posting',
    'app_user',
    'user_identity',
    'enrollment',
    'course_review',
    'learning_event',
    'moderator_grant',
    'referral',
    'checkin',
    'reward_award',
  ];
  const edited = [
    'ledger_hold',
    'shop_order',
    'course',
    'mall_item',
    'earning_rule',
    'faq_entry',
    'support_ticket',
    'moderator_role',
    'community_member',
    'link_code',
  ];
  const cols = [
    ...tables.map((t) => `${count(t)} as ${t}`),
    ...edited.map((t) => `${digest(t)} as ${t}`),
  ];
  return (await query(st.s.em, `select ${cols.join(', ')}`))[0]!;
}

const latin1 = (v: string) => Buffer.from(v, 'utf8').toString('latin1'); // what an HTTP server reads from UTF-8 header bytes

async function send(op: Operation, req: Built): Promise<Res> {
  let path = op.path.replace(/\{(\w+)\}/g, (_m, k: string) =>
    encodeURIComponent(String(req.path?.[k])),
  );
  if (req.query)
    path += `?${Object.entries(req.query)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&')}`;
  const headers = Object.fromEntries(
    Object.entries(req.headers ?? {}).map(([k, v]) => [k, latin1(v)]),
  );
  const key = req.caller === 'none' ? null : req.caller === 'service' ? SERVICE_KEY : ADMIN_KEY;
  return st.api(op.method, path, { body: req.body, headers, key });
}

function substitute(req: Built, slot: Slot, value: string, recipe: Recipe): Built {
  const w = slot.where;
  if (w.in === 'body') {
    const body = setAt(req.body, w.at, value) as Record<string, unknown>;
    for (const k of recipe.without?.[slot.label] ?? []) delete body[k];
    return { ...req, body: body as Built['body'] };
  }
  if (w.in === 'path') return { ...req, path: { ...req.path, [w.name]: value } };
  if (w.in === 'query') return { ...req, query: { ...req.query, [w.name]: value } };
  return { ...req, headers: { ...req.headers, [w.name]: value } };
}

/**
 * An Idempotency-Key is one change: the fuzz text gets a unique prefix so that the same text on
 * another route is a new key, not a conflict (the length of the max-length values is kept).
 */
function keyText(value: string, name: string): string {
  const prefix = `${uniqueKey('k')}:`;
  return name.startsWith('max') ? prefix + value.slice(prefix.length) : prefix + value;
}

const isErrorShape = (res: Res) =>
  typeof res.body?.error?.code === 'string' && typeof res.body?.error?.message === 'string';

interface Case {
  slot: Slot;
  name: string;
  value: string;
  fits: boolean;
  idemKey: boolean;
  at: string;
}

/** Runs fn over items, `width` at a time. */
async function inChunks<T, R>(
  items: T[],
  width: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

/**
 * A 5xx among concurrent requests is sent again once they are all done, on its own: on PGlite a failing statement can
 * take down the requests batched with it, and the report must say which value itself fails.
 */
async function alone(again: () => Promise<Res>): Promise<string> {
  const res = await again();
  return res.status >= 500
    ? ' (also alone)'
    : ` (alone: ${res.status}, so it failed only beside another request)`;
}

const diff = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  Object.keys(a).filter((k) => a[k] !== b[k]);

/**
 * Every value in every slot of one operation; returns the failures, one line each. Values the
 * schema refuses (or that name nothing that exists) go out together on one request and must all
 * be JSON errors leaving the database as it was; each value the schema allows gets a fresh
 * request of its own (holds, orders, tickets are used up), must succeed, read back exactly, and
 * an Idempotency-Key must replay with no second effect.
 */
async function fuzzOperation(op: Operation, recipe: Recipe): Promise<string[]> {
  const failures: string[] = [];
  for (const [n, base] of recipe.bases.entries()) {
    const probe = await send(op, await base(f));
    if (probe.status >= 300) {
      failures.push(`base request: ${probe.status} ${probe.text.slice(0, 200)}`);
      continue;
    }
    const shared = await base(f);
    const cases: Case[] = [];
    // Later bases (other branches of a oneOf body) differ only in the body: their parameters are done.
    for (const slot of textSlots(doc, op, shared.body).filter(
      (sl) => n === 0 || sl.where.in === 'body',
    )) {
      for (const { value: raw, name } of valuesFor(slot.schema)) {
        const idemKey = slot.where.in === 'header' && slot.where.name === 'idempotency-key';
        const value = idemKey ? keyText(raw, name) : raw;
        cases.push({
          slot,
          name,
          value,
          idemKey,
          fits: fitsSchema(slot.schema, value) && !recipe.lookup?.includes(slot.label),
          at: `${slot.label} = ${name}`,
        });
      }
    }
    // Refused: all on one shared request, and the database must not have moved.
    const refused = cases.filter((c) => !c.fits);
    const before = await snapshot();
    const answers = await inChunks(refused, 8, (c) =>
      send(op, substitute(shared, c.slot, c.value, recipe)),
    );
    let accepted = 0;
    for (const [i, c] of refused.entries()) {
      const res = answers[i]!;
      if (res.status >= 500)
        failures.push(
          `${c.at}: ${res.status} ${res.text.slice(0, 100)}${await alone(() => send(op, substitute(shared, c.slot, c.value, recipe)))}`,
        );
      else if (res.status < 400) {
        accepted++;
        // A lookup that happened to match is fine; text the schema refuses is not.
        if (!fitsSchema(c.slot.schema, c.value))
          failures.push(`${c.at}: text outside its schema accepted (${res.status})`);
      } else if (!isErrorShape(res))
        failures.push(
          `${c.at}: ${res.status} without the JSON error shape: ${res.text.slice(0, 120)}`,
        );
    }
    const changed = diff(before, await snapshot());
    if (changed.length && !accepted)
      failures.push(`refused requests changed ${changed.join(', ')}`);
    // Allowed: each on a fresh request; stored exactly; a key replays.
    const allowed = cases.filter((c) => c.fits);
    const crashed: { c: Case; res: Res }[] = [];
    const sent = await inChunks(allowed, recipe.serial ? 1 : 8, async (c) => {
      const req = substitute(await base(f), c.slot, c.value, recipe);
      const res = await send(op, req);
      if (res.status >= 500) crashed.push({ c, res });
      else if (res.status >= 400)
        failures.push(
          `${c.at}: text its schema allows refused with ${res.status} ${res.body?.error?.code}: ${String(res.body?.error?.message).slice(0, 100)}`,
        );
      else if (recipe.stored?.includes(c.slot.label)) {
        const read = await recipe.readBack!(f, req, res);
        if (!holdsString(read, c.value))
          failures.push(`${c.at}: stored text differs: ${JSON.stringify(read)?.slice(0, 200)}`);
      }
      return { c, req, res };
    });
    for (const { c, res } of crashed) {
      failures.push(
        `${c.at}: ${res.status} ${res.text.slice(0, 100)}${await alone(async () => send(op, substitute(await base(f), c.slot, c.value, recipe)))}`,
      );
    }
    const keyed = sent.filter((x) => x.c.idemKey && x.res.status < 300);
    if (keyed.length) {
      const once = await snapshot();
      const again = await inChunks(keyed, 8, (x) => send(op, x.req));
      keyed.forEach((x, i) => {
        const r = again[i]!;
        const sameThing = ['id', 'entryId', 'holdId', 'orderId', 'eventId'].every(
          (k) => x.res.body?.[k] === undefined || r.body?.[k] === x.res.body[k],
        );
        if (
          r.status !== x.res.status ||
          !sameThing ||
          ('replayed' in (x.res.body ?? {}) && r.body?.replayed !== true)
        ) {
          failures.push(
            `${x.c.at}: retry answered ${r.status} ${r.text.slice(0, 120)} (first ${x.res.status})`,
          );
        }
      });
      const twice = diff(once, await snapshot());
      if (twice.length)
        failures.push(
          `retries with the same Idempotency-Key had a second effect on ${twice.join(', ')}`,
        );
    }
  }
  return failures;
}

// The reproductions and chat run first: the walk below fills the FAQ with odd questions.
describe('chat takes any of the text', () => {
  const values = [...SQL_TEXT, LONG];
  const answered = (res: Res) =>
    res.status === 200 &&
    typeof res.body?.intent === 'string' &&
    Array.isArray(res.body.replies) &&
    res.body.replies.length > 0 &&
    res.body.replies.every(
      (r: { text: unknown }) => typeof r.text === 'string' && r.text.length > 0,
    );

  it('with a service key: a 200 with replies for every value', async () => {
    const externalId = uniqueKey('chat');
    const res = await inChunks(values, 4, (text) =>
      f.svc('POST', '/v1/chat', { body: { user: { channel: 'telegram', externalId }, text } }),
    );
    expect(
      values.flatMap((v, i) =>
        answered(res[i]!)
          ? []
          : [`${JSON.stringify(v).slice(0, 30)}: ${res[i]!.status} ${res[i]!.text.slice(0, 100)}`],
      ),
    ).toEqual([]);
  });

  it('in the web chat (session cookie, no key): a 200 with replies for every value', async () => {
    const first = await st.api('POST', '/v1/chat', {
      body: { user: { channel: 'web' }, text: '你好' },
      key: null,
    });
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const res = await inChunks(values, 4, (text) =>
      st.api('POST', '/v1/chat', {
        body: { user: { channel: 'web' }, text },
        headers: { cookie },
        key: null,
      }),
    );
    expect(
      values.flatMap((v, i) =>
        answered(res[i]!)
          ? []
          : [`${JSON.stringify(v).slice(0, 30)}: ${res[i]!.status} ${res[i]!.text.slice(0, 100)}`],
      ),
    ).toEqual([]);
  });
});

describe('the reproductions of issue 17, defect 1', () => {
  it('a grant with "bonus; thanks" credits once, and its key with a ";" replays', async () => {
    const userId = await f.user(0);
    const grant = () =>
      st.api('POST', '/v1/admin/grants', {
        body: { userId, amount: 7, reason: 'bonus; thanks' },
        headers: { 'idempotency-key': `bonus;thanks-${userId}` },
      });
    const first = await grant();
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ balance: 7, replayed: false });
    const again = await grant();
    expect(again.body).toMatchObject({ entryId: first.body.entryId, balance: 7, replayed: true });
    const entries = (await st.api('GET', `/v1/users/${userId}/entries`)).body.items;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      id: first.body.entryId,
      amount: 7,
      reason: 'bonus; thanks',
    });
    expect((await st.api('GET', `/v1/users/${userId}/balance`)).body.balance).toBe(7);
  });

  it('POST /v1/users with "bob;x" makes the user once and finds it again', async () => {
    const externalId = `bob;x-${uniqueKey()}`;
    const made = await st.api('POST', '/v1/users', { body: { channel: 'web', externalId } });
    const found = await st.api('POST', '/v1/users', { body: { channel: 'web', externalId } });
    expect(
      [made.status, found.status, found.body?.id],
      `${made.text} ${found.text}`.slice(0, 300),
    ).toEqual([201, 200, made.body?.id]);
    expect(found.body.identities).toContainEqual({ channel: 'web', externalId });
  });

  it('an FAQ answer with ";" is stored and read back', async () => {
    const id = await f.faq();
    const answer = { zh: '包邮; 三天内发货', en: 'Free shipping; ships in 3 days' };
    const put = await st.api('PUT', `/v1/admin/faq/${id}`, {
      body: { questions: { zh: ['运费; 多久'], en: ['shipping; when'] }, answer },
    });
    expect(put.status, put.text).toBeLessThan(300);
    const entry = (await st.api('GET', '/v1/admin/faq')).body.items.find(
      (e: { id: string }) => e.id === id,
    );
    expect(entry).toMatchObject({
      answer,
      questions: { zh: ['运费; 多久'], en: ['shipping; when'] },
    });
  });

  it('web chat "转人工; 谢谢" answers normally and opens a ticket', async () => {
    const res = await st.api('POST', '/v1/chat', {
      body: { user: { channel: 'web' }, text: '转人工; 谢谢' },
      key: null,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.intent).toBe('human_agent');
    const ticketId = Number(/#(\d+)/.exec(res.body.replies[0].text)?.[1]);
    const tickets = (await st.api('GET', '/v1/admin/tickets?status=open&limit=200')).body.items;
    expect(
      tickets.find((t: { id: number }) => t.id === ticketId),
      JSON.stringify(res.body),
    ).toMatchObject({ channel: 'web', message: '转人工; 谢谢', status: 'open' });
  });
});

describe('SQL-meaningful text in every route of the OpenAPI document', () => {
  it('builds a request for every operation that takes text, or lists why not', () => {
    const takesText = ops.filter((op) => op.body || textSlots(doc, op).length);
    const missing = takesText
      .filter((op) => !RECIPES[op.id] && !NOT_BUILT[op.id])
      .map((op) => op.id);
    expect(
      missing,
      'operations with text input but no recipe (test/support/fuzz-text.recipes.ts) and not in NOT_BUILT',
    ).toEqual([]);
    const known = new Set(ops.map((op) => op.id));
    expect(
      [...Object.keys(RECIPES), ...Object.keys(NOT_BUILT)].filter((id) => !known.has(id)),
      'recipes for operations no longer documented',
    ).toEqual([]);
    expect(takesText.length).toBeGreaterThan(40);
  });

  it.each(Object.keys(RECIPES))('%s', async (id) => {
    const op = ops.find((o) => o.id === id);
    if (!op) return; // reported by the coverage test
    // Each line names its route: vitest folds identical failure messages of different tests into one.
    const failures = (await fuzzOperation(op, RECIPES[id]!)).map((line) => `${id} ${line}`);
    expect(failures).toEqual([]);
  });
});
