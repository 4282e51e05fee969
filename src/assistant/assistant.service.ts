// The assistant: one channel-neutral conversation engine for Telegram, Discord, the web chat
// and the terminal. A turn is: identify the user, load the dialog state, understand the turn
// (a button, a command, or free text through the NLU, with slot filling), run the handler
// over the application services, save the state, and answer in the user's language.
import { DomainError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { resolveUserId } from '../membership/user.lock.js';
import { CATEGORY_NAMES } from '../catalog/data/demo-catalog.js';
import type { AppServicesCore } from './assistant.deps.js';
import type {
  Assistant,
  AssistantResult,
  HandleOptions,
  Inbound,
  Lang,
  Reply,
} from './assistant.types.js';
import type { Entities, IntentId, ParseResult } from './nlu/nlu.types.js';
import type { NluCatalog } from './nlu/nlu.types.js';
import { sharedNlu } from './nlu/nlu.shared.js';
import type { SupportService } from './support.service.js';
import { zh } from './replies/replies.zh.js';
import { en } from './replies/replies.en.js';
import type { DialogContext, SessionState } from './dialog/dialog.types.js';
import { loadSession, saveSession } from './dialog/session.store.js';
import { parseAction } from './dialog/actions.js';
import { parseAddress } from './dialog/address.js';
import * as account from './dialog/account.handlers.js';
import * as catalog from './dialog/catalog.handlers.js';
import * as redeem from './dialog/redeem.handlers.js';
import * as orders from './dialog/orders.handlers.js';
import * as support from './dialog/support.handlers.js';
import * as moderation from './dialog/moderation.handlers.js';
import { countChatTurn } from '../shared/metrics.js';

const TEMPLATES = { zh, en };
const MAX_TEXT = 2000;
const CATALOG_TTL_MS = 15_000;
const CANCEL_WORDS = /^(取消|算了|不要了|不用了|cancel|nevermind|never mind|stop)[!！。.\s]*$/i;

export interface AssistantDeps {
  s: AppServicesCore;
  support: SupportService;
  logger: Logger;
  /** How long the catalog seen by entity matching is cached (default 15 s). */
  catalogTtlMs?: number;
}

/** A message the NLU is unsure about (below this confidence) and that names no course or item
 * is answered from the FAQ when the knowledge base matches it at least this well. */
const FAQ_OVERRIDE_BELOW = 0.9;
const FAQ_OVERRIDE_SCORE = 0.55;

type Turn = { intent: string; confidence: number; entities: Entities; replies: Reply[] };

/** zh when the text has Chinese, en when it has Latin words, otherwise unknown. A single
 * Latin word ("pandas", "ok") does not switch a conversation that already has a language. */
export function textLanguage(text: string, current?: Lang): Lang | undefined {
  if (/[\u3400-\u9fff]/.test(text)) return 'zh';
  // Catalog slugs (python-basics) and @mentions say nothing about the language.
  const words =
    text.replace(/\b[a-z0-9]+(?:-[a-z0-9]+)+\b|@\S+|<@!?\d+>/g, ' ').match(/[A-Za-z]{2,}/g) ?? [];
  if (words.length >= 2 || (words.length === 1 && !current)) return 'en';
  return undefined;
}

const platformLanguage = (code?: string): Lang | undefined =>
  code ? (code.toLowerCase().startsWith('zh') ? 'zh' : 'en') : undefined;

export function createAssistant(deps: AssistantDeps): Assistant & { refreshCatalog(): void } {
  const { s, logger } = deps;
  const catalogTtlMs = deps.catalogTtlMs ?? CATALOG_TTL_MS;
  let catalogLoadedAt = 0;

  /** The NLU with the live catalog, so a new course is recognised without a code change. */
  async function understand(): Promise<ReturnType<typeof sharedNlu>> {
    const nlu = sharedNlu();
    if (Date.now() - catalogLoadedAt >= catalogTtlMs) {
      const [courses, items] = await Promise.all([s.catalog.listCourses(), s.catalog.listItems()]);
      const cat: NluCatalog = {
        courses,
        items,
        categories: Object.entries(CATEGORY_NAMES).map(([id, c]) => ({
          id,
          zh: c.zh,
          en: c.en,
          aliases: c.aliases,
        })),
      };
      nlu.updateCatalog(cat);
      catalogLoadedAt = Date.now();
    }
    return nlu;
  }

  const byIntent: Record<IntentId, (ctx: DialogContext) => Promise<Reply[]>> = {
    greeting: support.greeting,
    thanks_bye: support.thanks,
    help: support.help,
    balance: account.balance,
    points_history: account.history,
    earn_points: account.earnGuide,
    checkin: account.checkin,
    invite: account.invite,
    browse_courses: catalog.browseCourses,
    course_detail: (ctx) =>
      ctx.entities.course
        ? catalog.courseDetail(ctx, ctx.entities.course)
        : redeem.askCourse(ctx, 'course_detail'),
    recommend_courses: catalog.recommend,
    redeem_course: (ctx) =>
      ctx.entities.course
        ? redeem.quoteRedemption(ctx, { kind: 'course', slug: ctx.entities.course })
        : redeem.askCourse(ctx, 'redeem_course'),
    buy_course: (ctx) =>
      ctx.entities.course
        ? orders.buyCourse(ctx, ctx.entities.course)
        : redeem.askCourse(ctx, 'buy_course'),
    browse_mall: catalog.browseMall,
    redeem_item: (ctx) =>
      ctx.entities.item
        ? redeem.quoteRedemption(ctx, {
            kind: 'item',
            slug: ctx.entities.item,
            quantity: ctx.entities.quantity,
          })
        : redeem.askItem(ctx),
    order_status: orders.orderStatus,
    refund: orders.refund,
    membership: account.membership,
    upgrade_membership: account.upgrade,
    points_expiry: account.expiry,
    leaderboard: account.leaderboard,
    human_agent: support.handoff(deps.support),
    out_of_scope: async (ctx) => (await support.fallback(ctx, deps.support)).replies,
  };

  async function runIntent(ctx: DialogContext, intent: IntentId): Promise<Reply[]> {
    ctx.intent = intent;
    return byIntent[intent](ctx);
  }

  /** Commands from the bots (/balance, /redeem python, Discord options) map onto intents. */
  async function onCommand(ctx: DialogContext, parsed: ParseResult | undefined): Promise<Turn> {
    const cmd = ctx.inbound.command!;
    const args = cmd.args ?? {};
    const found = parsed?.allEntities ?? {};
    const slug = (v: unknown) =>
      typeof v === 'string' && /^[a-z0-9-]{1,60}$/.test(v) ? v : undefined;
    const entities: Entities = { ...found };
    const as = async (intent: IntentId, e: Entities = entities): Promise<Turn> => {
      ctx.entities = e;
      return { intent, confidence: 1, entities: e, replies: await runIntent(ctx, intent) };
    };
    switch (cmd.name) {
      case 'start': {
        const code =
          (args.ref as string | undefined) ?? /^ref_?([\w-]{3,40})$/.exec(ctx.text.trim())?.[1];
        const replies: Reply[] = [];
        if (code) {
          try {
            await s.referrals.accept(ctx.userId, code);
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
            logger.info({ code: err.code, userId: ctx.userId }, 'referral not accepted');
          }
        }
        replies.push(...(await support.greeting(ctx)));
        return { intent: 'greeting', confidence: 1, entities: {}, replies };
      }
      case 'help':
        return as('help');
      case 'balance':
        return as('balance');
      case 'history':
        return as('points_history');
      case 'checkin':
        return as('checkin');
      case 'invite':
        return as('invite');
      case 'mall':
        return as('browse_mall');
      case 'orders':
        return as('order_status');
      case 'refund':
        return as('refund');
      case 'tier':
        return as('membership');
      case 'earn':
        return as('earn_points');
      case 'top': {
        const period = args.period === 'week' || args.period === 'month' ? args.period : undefined;
        return as('leaderboard', { ...entities, ...(period ? ({ period } as Entities) : {}) });
      }
      case 'courses':
        return as('browse_courses', {
          topic:
            (args.topic as string | undefined) && (args.topic as string) in CATEGORY_NAMES
              ? (args.topic as string)
              : found.topic,
        });
      case 'course':
        return as('course_detail', { course: slug(args.course) ?? found.course });
      case 'redeem':
        return as('redeem_course', { course: slug(args.course) ?? found.course });
      case 'buy':
        return as('buy_course', { course: slug(args.course) ?? found.course });
      case 'exchange': {
        const quantity = Number(args.quantity ?? found.quantity);
        return as('redeem_item', {
          item: slug(args.item) ?? found.item,
          quantity: Number.isInteger(quantity) && quantity > 0 ? quantity : undefined,
        });
      }
      case 'link':
        return { intent: 'link', confidence: 1, entities: {}, replies: await account.link(ctx) };
      case 'grant':
        return {
          intent: 'grant',
          confidence: 1,
          entities: found,
          replies: await moderation.grant(ctx),
        };
      case 'undo':
        return { intent: 'undo', confidence: 1, entities: {}, replies: await moderation.undo(ctx) };
      default:
        return onText(ctx, parsed);
    }
  }

  /** A pressed button. */
  async function onAction(ctx: DialogContext, id: string): Promise<Turn> {
    const a = parseAction(id);
    const turn = (intent: string, replies: Reply[], entities: Entities = {}): Turn => ({
      intent,
      confidence: 1,
      entities,
      replies,
    });
    if (!a) return turn('out_of_scope', [{ text: ctx.t.confirmationExpired(), private: true }]);
    switch (a.type) {
      case 'confirm': {
        const kind = ctx.session.pending?.kind;
        return turn(
          kind === 'item' ? 'redeem_item' : 'redeem_course',
          await redeem.confirm(ctx, a.token),
        );
      }
      case 'cancel':
        return turn('cancel', await redeem.cancel(ctx, a.token));
      case 'courses':
        return turn(
          'browse_courses',
          await catalog.courseList(ctx, a.topic, a.page),
          a.topic ? { topic: a.topic } : {},
        );
      case 'course':
        return turn('course_detail', await catalog.courseDetail(ctx, a.slug), { course: a.slug });
      case 'redeem_course':
        return turn(
          'redeem_course',
          await redeem.quoteRedemption(ctx, { kind: 'course', slug: a.slug }),
          { course: a.slug },
        );
      case 'buy':
        return turn('buy_course', await orders.buyCourse(ctx, a.slug, a.points), {
          course: a.slug,
        });
      case 'item':
        return turn(
          'redeem_item',
          await redeem.quoteRedemption(ctx, { kind: 'item', slug: a.slug }),
          { item: a.slug },
        );
      case 'quantity': {
        const slot = ctx.session.slot;
        if (!slot?.slug || slot.need !== 'quantity')
          return turn('redeem_item', [{ text: ctx.t.confirmationExpired(), private: true }]);
        return turn(
          'redeem_item',
          await redeem.quoteRedemption(ctx, { kind: 'item', slug: slot.slug, quantity: a.n }),
          { item: slot.slug, quantity: a.n },
        );
      }
      case 'refund':
        return turn('refund', await orders.refundOrder(ctx, a.orderId));
      case 'top':
        ctx.entities = { period: a.period } as Entities;
        return turn('leaderboard', await account.leaderboard(ctx));
      case 'intent': {
        const intent = a.intent as IntentId;
        if (!(intent in byIntent))
          return turn('out_of_scope', [{ text: ctx.t.confirmationExpired(), private: true }]);
        ctx.entities = {};
        return turn(intent, await runIntent(ctx, intent));
      }
    }
  }

  /** Free text: first the slot a previous turn asked for, then the NLU. */
  async function onText(ctx: DialogContext, parsed: ParseResult | undefined): Promise<Turn> {
    const slot = ctx.session.slot;
    const found = parsed?.allEntities ?? {};
    if ((slot || ctx.session.pending) && CANCEL_WORDS.test(ctx.text.trim())) {
      const replies = ctx.session.pending
        ? await redeem.cancel(ctx, ctx.session.pending.token)
        : [{ text: ctx.t.cancelled() }];
      ctx.session.slot = undefined;
      return { intent: 'cancel', confidence: 1, entities: {}, replies };
    }
    const confidentElsewhere =
      parsed &&
      parsed.intent !== 'out_of_scope' &&
      parsed.confidence >= 0.75 &&
      parsed.intent !== slot?.intent;
    if (slot) {
      const turn = (replies: Reply[], entities: Entities): Turn => ({
        intent: slot.intent,
        confidence: 1,
        entities,
        replies,
      });
      if (slot.need === 'course' && found.course) {
        ctx.entities = { course: found.course };
        return turn(await runIntent(ctx, slot.intent), ctx.entities);
      }
      if (slot.need === 'item' && found.item) {
        return turn(
          await redeem.quoteRedemption(ctx, {
            kind: 'item',
            slug: found.item,
            quantity: found.quantity,
          }),
          { item: found.item },
        );
      }
      if (slot.need === 'quantity' && slot.slug) {
        const n =
          found.quantity ??
          (/^\s*(\d{1,2})\s*$/.exec(ctx.text) ? Number(ctx.text.trim()) : undefined);
        if (n && n > 0)
          return turn(
            await redeem.quoteRedemption(ctx, { kind: 'item', slug: slot.slug, quantity: n }),
            { item: slot.slug, quantity: n },
          );
      }
      if (slot.need === 'address' && slot.slug) {
        const address = parseAddress(ctx.text, ctx.inbound.user.displayName);
        if (address)
          return turn(
            await redeem.quoteRedemption(ctx, {
              kind: 'item',
              slug: slot.slug,
              quantity: slot.quantity ?? 1,
              address,
            }),
            { item: slot.slug },
          );
        if (!confidentElsewhere) {
          const hint =
            ctx.lang === 'zh'
              ? '没看懂这个地址 🙏 请按「姓名 电话 详细地址」发送，例如：张三 13800138000 上海市浦东新区世纪大道1号'
              : 'I couldn\'t read that address 🙏 Please send "name, phone, full address", e.g. Jane Doe, +86 138 0013 8000, 1 Century Ave, Shanghai';
          return turn([{ text: hint, private: true }], {});
        }
      }
      if (!confidentElsewhere && parsed?.intent === 'out_of_scope') {
        const again =
          slot.need === 'item'
            ? await redeem.askItem(ctx)
            : slot.need === 'course'
              ? await redeem.askCourse(
                  ctx,
                  slot.intent === 'redeem_item' ? 'redeem_course' : slot.intent,
                )
              : null;
        if (again) return turn(again, {});
      }
      ctx.session.slot = undefined;
    }
    if (!parsed)
      return {
        intent: 'out_of_scope',
        confidence: 1,
        entities: {},
        replies: await runIntent(ctx, 'out_of_scope'),
      };
    // A domain question outside the fixed intents ("积分抵扣最多能用多少") often lands on some
    // intent with middling confidence; a strong FAQ match is the better answer then.
    if (
      parsed.intent !== 'out_of_scope' &&
      parsed.confidence < FAQ_OVERRIDE_BELOW &&
      !parsed.allEntities.course &&
      !parsed.allEntities.item
    ) {
      const hit = (await deps.support.faqIndex()).search(ctx.text, ctx.lang, FAQ_OVERRIDE_SCORE);
      if (hit)
        return {
          intent: 'out_of_scope',
          confidence: parsed.confidence,
          entities: { faq: hit.entry.id } as Entities,
          replies: [{ text: ctx.t.faq(hit.answer) }],
        };
    }
    ctx.entities = parsed.entities;
    const replies = await runIntent(ctx, parsed.intent);
    return {
      intent: parsed.intent,
      confidence: parsed.confidence,
      entities: parsed.entities,
      replies,
    };
  }

  async function handle(inbound: Inbound, opts: HandleOptions = {}): Promise<AssistantResult> {
    if (!inbound.user?.externalId)
      throw new DomainError('invalid_input', 'the inbound message has no user id');
    const { user } = await s.users.upsert({
      channel: inbound.user.channel,
      externalId: inbound.user.externalId,
      displayName: inbound.user.displayName,
      languageCode: platformLanguage(inbound.user.languageCode),
      username: inbound.user.username,
    });
    const userId = await resolveUserId(s.em, user.id);
    const session: SessionState = await loadSession(s.em, userId);
    const raw = String(inbound.text ?? inbound.command?.text ?? '');
    const text = raw.slice(0, MAX_TEXT);
    // A command's name and a /start payload (ref_CODE) are Latin whatever the person speaks: only
    // what they typed tells the language (a /grant reason does), else the conversation's, else
    // the platform's.
    const typed =
      inbound.text !== undefined
        ? text
        : inbound.command?.name === 'start'
          ? ''
          : text.replace(/^\/\S+/, '');
    const spoken = textLanguage(typed, session.lang);
    const lang: Lang =
      spoken ?? session.lang ?? platformLanguage(inbound.user.languageCode) ?? 'zh';
    const nlu = await understand();
    const parsed = text.trim() ? nlu.parse(text, { lang }) : undefined;
    const ctx: DialogContext = {
      s,
      t: TEMPLATES[lang],
      lang,
      userId,
      inbound,
      session,
      intent: 'out_of_scope',
      entities: {},
      text,
    };
    let turn: Turn;
    try {
      if (inbound.action) turn = await onAction(ctx, inbound.action);
      else if (inbound.command && inbound.command.name !== 'ask')
        turn = await onCommand(ctx, parsed);
      else turn = await onText(ctx, parsed);
    } catch (err) {
      if (!(err instanceof DomainError) || opts.rethrow?.includes(err.code)) throw err;
      logger.info({ code: err.code, userId }, 'assistant turn refused');
      const code = err.code.endsWith('_not_found') ? 'not_found' : err.code;
      turn = {
        intent: ctx.intent,
        confidence: parsed?.confidence ?? 1,
        entities: ctx.entities,
        replies: [{ text: ctx.t.error(code, err.message), private: true }],
      };
    }
    session.lang = lang;
    await saveSession(s.em, userId, session);
    await s.referrals
      .onInteraction(userId)
      .catch((err) => logger.warn({ err, userId }, 'referral interaction not recorded'));
    countChatTurn(turn.intent);
    return {
      intent: turn.intent,
      confidence: Math.round(turn.confidence * 1000) / 1000,
      entities: { ...turn.entities },
      lang,
      replies: turn.replies,
    };
  }

  return {
    handle,
    /** The next turn reloads the catalog (a course was just added or changed). */
    refreshCatalog() {
      catalogLoadedAt = 0;
    },
  };
}
