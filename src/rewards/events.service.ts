// Learning and activity events from outside systems (POST /v1/events): stored once per
// idempotency key, mapped to the earning rules whose trigger is the event type. A natural key
// per occasion (lesson, quiz, course review, purchase) keeps a repeated event from earning
// twice even under a new key.
import { DomainError } from '../shared/errors.js';
import { walletBalance } from '../ledger/ledger.wallet.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { requestHash } from '../ledger/idempotency.js';
import { lockUser, resolveUserId } from '../membership/user.lock.js';
import type { Clock } from '../shared/clock.js';
import type { RewardsService, AwardOutcome } from './rewards.service.js';

export type LearningEventInput =
  | { type: 'lesson.completed'; data: { lessonId: string; courseSlug?: string } }
  | { type: 'quiz.passed'; data: { quizId: string; courseSlug?: string; score?: number } }
  | { type: 'review.posted'; data: { courseSlug: string; rating?: number } }
  | { type: 'user.interacted'; data: { channel?: string } }
  | {
      type: 'purchase.completed';
      data: { purchaseId: string; amountFen: number; description?: string };
    }
  | { type: 'purchase.refunded'; data: { purchaseId: string } };

export type EventType = LearningEventInput['type'];

/**
 * Who may report each event type. Purchase points come only from a paid order (the payment
 * webhook awards them itself, never through here) or from an admin: `purchase.completed` earns
 * by an amount the caller names (`amountFen` × the rule's rate, no cap), and `purchase.refunded`
 * takes earned points back, so both need an admin key. Learning events earn fixed amounts
 * capped by their rules (daily/total limits, cooldowns) and are open to service keys. A Record,
 * so a new event type does not compile until it is placed here.
 */
export const EVENT_REPORTERS: Record<EventType, 'admin' | 'service'> = {
  'lesson.completed': 'service',
  'quiz.passed': 'service',
  'review.posted': 'service',
  'user.interacted': 'service',
  'purchase.completed': 'admin',
  'purchase.refunded': 'admin',
};

export interface EventCaller {
  /** Recorded on the ledger entries, e.g. `api:service`. */
  actor: string;
  role: 'admin' | 'service';
}

export interface EventOutcome {
  eventId: number;
  type: EventType;
  userId: number;
  points: number;
  reversedPoints: number;
  awards: Pick<
    AwardOutcome,
    'ruleCode' | 'awarded' | 'points' | 'pending' | 'reason' | 'retryAt'
  >[];
  balance: number;
  replayed: boolean;
}

/** The occasion an event stands for: the same occasion never earns twice. */
export function occasionKey(userId: number, e: LearningEventInput): string | null {
  switch (e.type) {
    case 'lesson.completed':
      return `lesson:${userId}:${e.data.courseSlug ?? ''}:${e.data.lessonId}`;
    case 'quiz.passed':
      return `quiz:${userId}:${e.data.courseSlug ?? ''}:${e.data.quizId}`;
    case 'review.posted':
      return `review:${userId}:${e.data.courseSlug}`;
    case 'purchase.completed':
    case 'purchase.refunded':
      return `purchase:${userId}:${e.data.purchaseId}`;
    default:
      return null;
  }
}

export type EventsService = ReturnType<typeof createEventsService>;

export function createEventsService(deps: {
  em: Em;
  clock: Clock;
  rewards: RewardsService;
  onInteraction?: (userId: number) => Promise<void>;
}) {
  /** Awards every rule triggered by the event; used by the events API and by in-app actions (reviews). */
  async function earnFor(
    tx: Em,
    user: { id: number; timeZone: string },
    e: LearningEventInput,
    actor: string,
  ) {
    const occasion = occasionKey(user.id, e);
    const awards: AwardOutcome[] = [];
    let reversedPoints = 0;
    if (e.type === 'purchase.refunded') {
      const prior = await query<{ id: string }>(
        tx,
        `select id from reward_award where starts_with(source_key, ?) and user_id = ? and status = 'pending'`,
        [`${occasion}#`, user.id],
      );
      for (const p of prior)
        reversedPoints += (
          await deps.rewards.reverseAward(tx, Number(p.id), actor, 'purchase refunded')
        ).points;
      return { awards, reversedPoints };
    }
    if (!occasion) return { awards, reversedPoints };
    for (const rule of await deps.rewards.rulesForTrigger(e.type, tx)) {
      awards.push(
        await deps.rewards.award(tx, {
          userId: user.id,
          timeZone: user.timeZone,
          ruleCode: rule.code,
          sourceKey: `${occasion}#${rule.code}`,
          actor,
          reason: `${e.type}`,
          metadata: { event: e.type, ...e.data },
          paidFen: e.type === 'purchase.completed' ? e.data.amountFen : undefined,
        }),
      );
    }
    return { awards, reversedPoints };
  }

  async function record(
    input: { key: string; userId: number; occurredAt?: string } & LearningEventInput,
    caller: EventCaller,
  ): Promise<EventOutcome> {
    const e = { type: input.type, data: input.data } as LearningEventInput;
    const actor = caller.actor;
    // Refused before anything is stored: the Idempotency-Key stays unused and nothing changes.
    // Fails closed: a type missing from the table (only possible past the type checker) is admin-only.
    if (EVENT_REPORTERS[e.type] !== 'service' && caller.role !== 'admin') {
      throw new DomainError(
        'forbidden',
        `${e.type} events change points by what the caller says was paid or refunded; they need an admin key (paid orders earn their points through the payment webhook)`,
        {
          type: e.type,
          adminOnly: Object.keys(EVENT_REPORTERS).filter(
            (t) => EVENT_REPORTERS[t as EventType] === 'admin',
          ),
        },
      );
    }
    const hash = requestHash('event', {
      userId: input.userId,
      type: e.type,
      data: e.data,
      occurredAt: input.occurredAt ?? null,
    });
    const userId = await resolveUserId(deps.em, input.userId);
    const outcome = await inTransaction(deps.em, async (tx) => {
      const inserted = await queryOne<{ id: string }>(
        tx,
        `insert into learning_event (event_key, request_hash, user_id, type, data, occurred_at, created_at)
         values (?, ?, ?, ?, ?::jsonb, ?::timestamptz, ?::timestamptz) on conflict (event_key) do nothing returning id`,
        [
          input.key,
          hash,
          userId,
          e.type,
          JSON.stringify(e.data),
          input.occurredAt ?? deps.clock.now().toISOString(),
          deps.clock.now().toISOString(),
        ],
      );
      if (!inserted) {
        const prev = await queryOne<{ request_hash: string; outcome: EventOutcome }>(
          tx,
          `select request_hash, outcome from learning_event where event_key = ?`,
          [input.key],
        );
        if (prev!.request_hash !== hash)
          throw new DomainError(
            'idempotency_conflict',
            'this Idempotency-Key was already used with a different event',
          );
        return { ...prev!.outcome, replayed: true };
      }
      const user = await lockUser(tx, userId);
      const { awards, reversedPoints } = await earnFor(tx, user, e, actor);
      const balance = await walletBalance(tx, user.id);
      const result: EventOutcome = {
        eventId: Number(inserted.id),
        type: e.type,
        userId: user.id,
        points: awards.reduce((s, a) => s + a.points, 0),
        reversedPoints,
        awards: awards.map((a) => ({
          ruleCode: a.ruleCode,
          awarded: a.awarded,
          points: a.points,
          pending: a.pending,
          reason: a.reason,
          retryAt: a.retryAt,
        })),
        balance: balance,
        replayed: false,
      };
      await query(tx, `update learning_event set outcome = ?::jsonb where id = ?`, [
        JSON.stringify(result),
        Number(inserted.id),
      ]);
      return result;
    });
    if (!outcome.replayed && e.type !== 'purchase.refunded')
      await deps.onInteraction?.(outcome.userId);
    return outcome;
  }

  return { record, earnFor };
}
