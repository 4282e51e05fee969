// Reply → Telegram messages: plain text (no parse mode, so the assistant's words never need
// escaping), cards as numbered lines, buttons as an inline keyboard on the last message.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Button, Reply } from '../../src/assistant/assistant.types.js';

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CALLBACK_DATA_BYTES = 64;
const BUTTONS_PER_ROW = 3;

export interface OutgoingMessage {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
}

/** A keyboard that removes the existing one when used in an edit. */
export const NO_KEYBOARD: InlineKeyboardMarkup = { inline_keyboard: [] };

export function toKeyboardButton(b: Button): InlineKeyboardButton {
  if (b.url) return { text: b.label, url: b.url };
  const bytes = Buffer.byteLength(b.id, 'utf8');
  // Telegram rejects the whole message for one bad button; an id this long is an assistant bug.
  if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) {
    throw new Error(
      `button id "${b.id}" is ${bytes} bytes; Telegram callback_data must be 1-${MAX_CALLBACK_DATA_BYTES} bytes`,
    );
  }
  return { text: b.label, callback_data: b.id };
}

function rows<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function keyboardOf(reply: Reply): InlineKeyboardMarkup | undefined {
  const cards = reply.cards ?? [];
  const numbered = cards.length > 1;
  const keyboard: InlineKeyboardButton[][] = [];
  cards.forEach((card, i) => {
    // Several cards each offering "Redeem": the number says which card a button belongs to.
    const buttons = (card.buttons ?? []).map((b) =>
      toKeyboardButton(numbered ? { ...b, label: `${i + 1}. ${b.label}` } : b),
    );
    keyboard.push(...rows(buttons, BUTTONS_PER_ROW));
  });
  keyboard.push(...rows((reply.buttons ?? []).map(toKeyboardButton), BUTTONS_PER_ROW));
  return keyboard.length ? { inline_keyboard: keyboard } : undefined;
}

export function textOfReply(reply: Reply): string {
  const cards = reply.cards ?? [];
  const lines = cards.map((c, i) => {
    const head = cards.length > 1 ? `${i + 1}. ${c.title}` : c.title;
    return c.subtitle ? `${head}\n   ${c.subtitle}` : head;
  });
  return [reply.text.trim(), lines.join('\n')].filter(Boolean).join('\n\n');
}

/** Splits at line breaks where it can, so no message exceeds Telegram's 4096 characters. */
export function splitText(text: string, max = MAX_TEXT_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest) parts.push(rest);
  return parts;
}

/** The messages for one reply; the keyboard goes on the last so it sits under the whole text. */
export function renderReply(reply: Reply): OutgoingMessage[] {
  const keyboard = keyboardOf(reply);
  const chunks = splitText(textOfReply(reply));
  // Telegram refuses empty text; buttons alone still need a line to hang from.
  if (!chunks.length) return keyboard ? [{ text: '👇', reply_markup: keyboard }] : [];
  return chunks.map((text, i) =>
    i === chunks.length - 1 && keyboard ? { text, reply_markup: keyboard } : { text },
  );
}

export function callbackIdsOf(markup: InlineKeyboardMarkup | undefined): string[] {
  if (!markup) return [];
  return markup.inline_keyboard
    .flat()
    .flatMap((b) => ('callback_data' in b && b.callback_data ? [b.callback_data] : []));
}
