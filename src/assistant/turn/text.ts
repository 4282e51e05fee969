// Free text: first the question a previous turn left open, then the NLU's intent, or the FAQ
// when the NLU is unsure and the knowledge base knows the answer.
import type { Entities, ParseResult } from '../nlu/nlu.types.js';
import type { DialogContext } from '../dialog/dialog.types.js';
import { runIntent, type Turn, type TurnTools } from './intents.js';
import { followUp } from './slots.js';

/** A message the NLU is unsure about (below this confidence) and that names no course or item
 * is answered from the FAQ when the knowledge base matches it at least this well. */
const FAQ_OVERRIDE_BELOW = 0.9;
const FAQ_OVERRIDE_SCORE = 0.55;

export async function onText(
  ctx: DialogContext,
  parsed: ParseResult | undefined,
  tools: TurnTools,
): Promise<Turn> {
  const answered = await followUp(ctx, parsed, tools);
  if (answered) return answered;
  if (!parsed)
    return {
      intent: 'out_of_scope',
      confidence: 1,
      entities: {},
      replies: await runIntent(ctx, tools, 'out_of_scope'),
    };
  // A domain question outside the fixed intents ("积分抵扣最多能用多少") often lands on some
  // intent with middling confidence; a strong FAQ match is the better answer then.
  if (
    parsed.intent !== 'out_of_scope' &&
    parsed.confidence < FAQ_OVERRIDE_BELOW &&
    !parsed.allEntities.course &&
    !parsed.allEntities.item
  ) {
    const hit = (await tools.support.faqIndex()).search(ctx.text, ctx.lang, FAQ_OVERRIDE_SCORE);
    if (hit)
      return {
        intent: 'out_of_scope',
        confidence: parsed.confidence,
        entities: { faq: hit.entry.id } as Entities,
        replies: [{ text: ctx.t.faq(hit.answer) }],
      };
  }
  ctx.entities = parsed.entities;
  const replies = await runIntent(ctx, tools, parsed.intent);
  return {
    intent: parsed.intent,
    confidence: parsed.confidence,
    entities: parsed.entities,
    replies,
  };
}
