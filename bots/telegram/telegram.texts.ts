// The few strings the adapter itself says (errors, stale buttons, media it cannot read).
// Everything else users read comes from the assistant, which owns wording and language.
export type TelegramLang = 'zh' | 'en';

/** Chinese unless Telegram says the user's app speaks something else: the audience is Chinese-first. */
export function langOf(languageCode: string | undefined): TelegramLang {
  return !languageCode || languageCode.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

const TEXTS = {
  zh: {
    error: '抱歉，出了点问题，请稍后再试。',
    staleButton: '这个按钮已经处理过了。',
    slowDown: '消息太快了，请稍等片刻再试。',
    sticker: '收到贴纸啦！我只看得懂文字：直接输入问题，或发送 /help 查看命令。',
    media: '我暂时只能读文字消息：请用文字描述，或发送 /help 查看命令。',
    sentPrivately: '我已私信回复你。',
    startPrivately: '这条信息是私人的：请先私聊我（点击下方按钮并发送 /start），再试一次。',
    openChat: '私聊机器人',
  },
  en: {
    error: 'Sorry, something went wrong. Please try again in a moment.',
    staleButton: 'This button has already been handled.',
    slowDown: 'You are sending messages too fast; please wait a moment.',
    sticker: 'Nice sticker! I can only read text: type your question, or send /help for commands.',
    media:
      'I can only read text messages for now: describe it in words, or send /help for commands.',
    sentPrivately: 'I have answered you in a private message.',
    startPrivately:
      'That answer is private: open a chat with me (button below, then /start) and try again.',
    openChat: 'Open a private chat',
  },
} satisfies Record<TelegramLang, Record<string, string>>;

export type TextKey = keyof (typeof TEXTS)['zh'];

/** By Telegram language code, or by the language the assistant answered in (better: it also
 * reads the message). */
export function t(lang: string | undefined, key: TextKey): string {
  return TEXTS[lang === 'zh' || lang === 'en' ? lang : langOf(lang)][key];
}
