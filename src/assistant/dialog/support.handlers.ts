// Small talk, help, human handoff and the fallback: an FAQ answer when the knowledge base has
// one, otherwise a polite note of what the assistant can do.
import type { SupportService } from '../support.service.js';
import type { DialogContext, Handler } from './dialog.types.js';
import type { Reply } from '../assistant.types.js';
import { button, ids } from './actions.js';

export const greeting: Handler = async ({ t, inbound }) => [
  {
    text: t.greeting(inbound.user.displayName),
    buttons: [
      button(ids.intent('balance'), t.buttons.myPoints),
      button(ids.intent('checkin'), t.buttons.checkIn),
      button(ids.courses(null, 1), t.buttons.courses),
      button(ids.intent('browse_mall'), t.buttons.mall),
    ],
  },
];

export const thanks: Handler = async ({ t }) => [{ text: t.thanks() }];

export const help: Handler = async ({ t }) => [
  {
    text: t.help(),
    buttons: [
      button(ids.intent('balance'), t.buttons.myPoints),
      button(ids.intent('earn_points'), t.buttons.earnPoints),
      button(ids.courses(null, 1), t.buttons.courses),
    ],
  },
];

export function handoff(support: SupportService): Handler {
  return async ({ t, userId, inbound, text }) => {
    const ticket = await support.openTicket({
      userId,
      channel: inbound.user.channel,
      message: text || '(no message)',
      transcript: [{ text, at: new Date().toISOString() }],
    });
    return [{ text: t.handoff(ticket.id), private: true }];
  };
}

/** Out of scope for the intents: the FAQ may still know the answer. */
export async function fallback(
  ctx: DialogContext,
  support: SupportService,
): Promise<{ replies: Reply[]; faq?: string }> {
  const { t, lang, text } = ctx;
  if (text.trim()) {
    const hit = (await support.faqIndex()).search(text, lang);
    if (hit) return { replies: [{ text: t.faq(hit.answer) }], faq: hit.entry.id };
  }
  return {
    replies: [
      {
        text: t.outOfScope(),
        buttons: [button(ids.intent('help'), t.buttons.whatCanYouDo)],
      },
    ],
  };
}
