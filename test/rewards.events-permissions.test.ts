// Service keys cannot mint points (issue 17, defect 4): POST /v1/events with purchase.completed
// earned amountFen × rate with no cap for any key. Every event type the route accepts is
// classified; the purchase ones need an admin key and are refused for service keys before
// anything is stored; learning events keep earning for service keys within their rules' caps.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarness,
  SERVICE_KEY,
  type Harness,
  expectLedgerOk,
  stackWithClock,
  uniqueKey,
  newUser,
  type Stack,
} from './support/harness.js';
import { MINUTE } from '../src/shared/clock.js';
import { query } from '../src/db/sql.js';
import { EVENT_REPORTERS } from '../src/rewards/events.service.js';

let h: Harness;
let st: Stack;
// 2026-03-02 10:00 in Asia/Shanghai.
const START = '2026-03-02T02:00:00Z';
beforeAll(async () => {
  h = await createHarness();
  st = await stackWithClock(h, START);
});
afterAll(async () => h?.close());
afterEach(async () => {
  await expectLedgerOk(st.s);
});

const event = (
  key: string | null,
  userId: number,
  type: string,
  data: Record<string, unknown>,
  idem = uniqueKey('ev'),
) =>
  st.api('POST', '/v1/events', {
    body: { type, userId, data },
    headers: { 'idempotency-key': idem },
    ...(key === null ? {} : { key }),
  });
const asService = (userId: number, type: string, data: Record<string, unknown>, idem?: string) =>
  event(SERVICE_KEY, userId, type, data, idem);
const asAdmin = (userId: number, type: string, data: Record<string, unknown>, idem?: string) =>
  event(null, userId, type, data, idem);
const wallet = (userId: number) => st.s.account.balance(userId);
const eventsOf = (userId: number) =>
  query(st.s.em, `select type from learning_event where user_id = ? order by id`, [userId]);

describe('who may report which event', () => {
  it('classifies every event type the route accepts, and only purchase events need an admin', async () => {
    const doc = (await st.api('GET', '/openapi.json', { key: null })).body;
    type EventSchema = { properties: { type: { const?: string; enum?: string[] } } };
    const accepted = (doc.components.schemas.LearningEvent.oneOf as EventSchema[])
      .map((s) => s.properties.type.const ?? s.properties.type.enum?.[0])
      .sort();
    expect(accepted).toEqual(Object.keys(EVENT_REPORTERS).sort());
    expect(
      Object.entries(EVENT_REPORTERS)
        .filter(([, who]) => who === 'admin')
        .map(([t]) => t)
        .sort(),
    ).toEqual(['purchase.completed', 'purchase.refunded']);
  });

  it('a service key cannot mint points with purchase.completed: 403, nothing stored, the key stays unused', async () => {
    const u = await newUser(st);
    const idem = uniqueKey('mint');
    const before = {
      wallet: await wallet(u.id),
      totals: (await st.s.ledgerQueries.verify()).totals,
    };
    for (let i = 0; i < 3; i++) {
      const res = await asService(
        u.id,
        'purchase.completed',
        { purchaseId: `p-${i}`, amountFen: 100_000_000 },
        i === 0 ? idem : undefined,
      );
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: 'forbidden',
        details: { type: 'purchase.completed' },
      });
      expect(res.body.error.message).toMatch(/admin key/);
    }
    expect(await wallet(u.id)).toEqual(before.wallet);
    expect(await wallet(u.id)).toMatchObject({ balance: 0, pending: 0 });
    expect((await st.s.ledgerQueries.verify()).totals).toEqual(before.totals);
    expect(await eventsOf(u.id)).toEqual([]);
    // The refused request left its Idempotency-Key free: an admin can use it for a real purchase.
    const admin = await asAdmin(
      u.id,
      'purchase.completed',
      { purchaseId: 'real-1', amountFen: 12345 },
      idem,
    );
    expect(admin.status).toBe(201);
    expect(admin.body).toMatchObject({ replayed: false, points: 123 });
  });

  it('a service key cannot take purchase points back with purchase.refunded; an admin can', async () => {
    const u = await newUser(st);
    expect(
      (await asAdmin(u.id, 'purchase.completed', { purchaseId: 'shop-9', amountFen: 10000 })).body
        .points,
    ).toBe(100);
    expect(await wallet(u.id)).toMatchObject({ pending: 100 });
    const refused = await asService(u.id, 'purchase.refunded', { purchaseId: 'shop-9' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'forbidden',
      details: { type: 'purchase.refunded' },
    });
    expect(await wallet(u.id)).toMatchObject({ pending: 100 });
    const refunded = await asAdmin(u.id, 'purchase.refunded', { purchaseId: 'shop-9' });
    expect(refunded.status).toBe(201);
    expect(refunded.body.reversedPoints).toBe(100);
    expect(await wallet(u.id)).toMatchObject({ pending: 0 });
  });

  it("learning events keep earning for service keys, within their rules' caps", async () => {
    st.clock.set(START);
    const u = await newUser(st);
    const lessons: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await asService(u.id, 'lesson.completed', {
        lessonId: `l-${i}`,
        courseSlug: 'python-basics',
      });
      expect(res.status).toBe(201);
      lessons.push(res.body.points);
      st.clock.advance(MINUTE + 1000); // past the rule's 60 s cooldown
    }
    // 5 points a lesson, at most 10 a day.
    expect(lessons).toEqual([...Array(10).fill(5), 0]);
    const quiz = await asService(u.id, 'quiz.passed', {
      quizId: 'q-1',
      courseSlug: 'python-basics',
      score: 90,
    });
    expect(quiz.status).toBe(201);
    expect(quiz.body.points).toBe(20);
    const again = await asService(u.id, 'quiz.passed', {
      quizId: 'q-1',
      courseSlug: 'python-basics',
      score: 100,
    });
    expect(again.body.points).toBe(0); // the same quiz never earns twice
    expect((await asService(u.id, 'user.interacted', { channel: 'web' })).status).toBe(201);
    expect(await wallet(u.id)).toMatchObject({ balance: 70 });
  });
});
