// Small talk, help, human handoff and the fallback: an FAQ answer when the knowledge base has
// one, otherwise a polite note of what the assistant can do.
import type { SupportService } from '../support.service.js';
import type { DialogContext, Handler } from './dialog.types.js';
import type { Reply } from '../assistant.types.js';
import { button, ids } from './actions.js';

export const greeting: Handler = async ({ t, inbound, lang }) => [
  {
    text: t.greeting(inbound.user.displayName),
    buttons: [
      button(ids.intent('balance'), lang === 'zh' ? '查积分' : 'My points'),
      button(ids.intent('checkin'), lang === 'zh' ? '签到' : 'Check in'),
      button(ids.courses(null, 1), lang === 'zh' ? '看课程' : 'Courses'),
      button(ids.intent('browse_mall'), lang === 'zh' ? '积分商城' : 'Points mall'),
    ],
  },
];

export const thanks: Handler = async ({ t }) => [{ text: t.thanks() }];

export const help: Handler = async ({ t, lang }) => [
  {
    text: t.help(),
    buttons: [
      button(ids.intent('balance'), lang === 'zh' ? '查积分' : 'My points'),
      button(ids.intent('earn_points'), lang === 'zh' ? '赚积分' : 'Earn points'),
      button(ids.courses(null, 1), lang === 'zh' ? '看课程' : 'Courses'),
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
        buttons: [
          button(ids.intent('help'), lang === 'zh' ? '看看我能做什么' : 'What can you do?'),
        ],
      },
    ],
  };
}
