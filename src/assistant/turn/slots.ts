// Follow-ups: a previous turn asked for something (which course, which item, how many, where to
// ship) or left a confirmation open. This turn's text answers it, cancels it, or moves on.
import type { Reply } from '../assistant.types.js';
import type { Entities, ParseResult } from '../nlu/nlu.types.js';
import type { DialogContext, PendingRedemption, SlotState } from '../dialog/dialog.types.js';
import { parseAddress } from '../dialog/address.js';
import * as redeem from '../dialog/redeem.handlers.js';
import { runIntent, type Turn, type TurnTools } from './intents.js';

const CANCEL_WORDS = /^(取消|算了|不要了|不用了|cancel|nevermind|never mind|stop)[!！。.\s]*$/i;

/** The answer to the open question, or undefined when this text is about something else (the
 * open question is then dropped, unless the text means nothing at all). */
export async function followUp(
  ctx: DialogContext,
  parsed: ParseResult | undefined,
  tools: TurnTools,
): Promise<Turn | undefined> {
  const slot = ctx.session.slot;
  if ((slot || ctx.session.pending) && CANCEL_WORDS.test(ctx.text.trim())) {
    const replies = ctx.session.pending
      ? await redeem.cancel(ctx, ctx.session.pending.token)
      : [{ text: ctx.t.cancelled() }];
    ctx.session.slot = undefined;
    return { intent: 'cancel', confidence: 1, entities: {}, replies };
  }
  if (!slot) return undefined;
  const answered = await fillSlot(ctx, slot, parsed, tools);
  if (answered) return answered;
  ctx.session.slot = undefined;
  return undefined;
}

async function fillSlot(
  ctx: DialogContext,
  slot: SlotState,
  parsed: ParseResult | undefined,
  tools: TurnTools,
): Promise<Turn | undefined> {
  const found = parsed?.allEntities ?? {};
  const confidentElsewhere =
    parsed &&
    parsed.intent !== 'out_of_scope' &&
    parsed.confidence >= 0.75 &&
    parsed.intent !== slot.intent;
  const turn = (replies: Reply[], entities: Entities): Turn => ({
    intent: slot.intent,
    confidence: 1,
    entities,
    replies,
  });
  const quoteItem = (slug: string, quantity?: number, address?: PendingRedemption['address']) =>
    redeem.quoteRedemption(ctx, { kind: 'item', slug, quantity, address });
  if (slot.need === 'course' && found.course) {
    ctx.entities = { course: found.course };
    return turn(await runIntent(ctx, tools, slot.intent), ctx.entities);
  }
  if (slot.need === 'item' && found.item)
    return turn(await quoteItem(found.item, found.quantity), { item: found.item });
  if (slot.need === 'quantity' && slot.slug) {
    const n =
      found.quantity ?? (/^\s*(\d{1,2})\s*$/.exec(ctx.text) ? Number(ctx.text.trim()) : undefined);
    if (n && n > 0) return turn(await quoteItem(slot.slug, n), { item: slot.slug, quantity: n });
  }
  if (slot.need === 'address' && slot.slug) {
    const address = parseAddress(ctx.text, ctx.inbound.user.displayName);
    if (address)
      return turn(await quoteItem(slot.slug, slot.quantity ?? 1, address), { item: slot.slug });
    if (!confidentElsewhere)
      return turn([{ text: ctx.t.addressNotUnderstood(), private: true }], {});
  }
  if (!confidentElsewhere && parsed?.intent === 'out_of_scope') {
    // Small talk in the middle of a question: ask it again.
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
  return undefined;
}
