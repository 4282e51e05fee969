// Reply → Discord message payload (plain API JSON, accepted by discord.js and by the HTTP
// interactions endpoint alike), within Discord's limits: 2000 characters of content, 10 embeds,
// 5 buttons a row, 5 rows, custom_id ≤ 100 characters and unique in a message.
import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from 'discord.js';
import type { Button, Reply } from '../../src/assistant/assistant.types.js';

export interface RenderedMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  /** Buttons that could not be shown (id too long, duplicate, or past 25). */
  dropped: string[];
}

/** The adapter's only own words: when something broke before the assistant could answer. */
export const FAILED = {
  zh: '抱歉，出了点问题，请稍后再试。',
  en: 'Sorry, something went wrong. Please try again.',
} as const;

const MAX_CONTENT = 2000;
const MAX_ROWS = 5;
const PER_ROW = 5;

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function toComponent(b: Button, first: boolean): APIButtonComponent | null {
  const label = clip(b.label || b.id, 80);
  if (b.url) {
    if (b.url.length > 512) return null;
    return { type: ComponentType.Button, style: ButtonStyle.Link, label, url: b.url };
  }
  if (!b.id || b.id.length > 100) return null;
  return {
    type: ComponentType.Button,
    style: first ? ButtonStyle.Primary : ButtonStyle.Secondary,
    label,
    custom_id: b.id,
  };
}

export function renderReply(reply: Reply): RenderedMessage {
  const embeds: APIEmbed[] = (reply.cards ?? []).slice(0, 10).map((card) => ({
    title: clip(card.title, 256),
    ...(card.subtitle ? { description: clip(card.subtitle, 4096) } : {}),
  }));
  const all = [...(reply.buttons ?? []), ...(reply.cards ?? []).flatMap((c) => c.buttons ?? [])];
  const buttons: APIButtonComponent[] = [];
  const seen = new Set<string>();
  const dropped: string[] = [];
  for (const b of all) {
    const key = b.url ? `url:${b.url}` : b.id;
    const component =
      seen.has(key) || buttons.length >= MAX_ROWS * PER_ROW
        ? null
        : toComponent(b, buttons.length === 0);
    if (!component) {
      dropped.push(b.id);
      continue;
    }
    seen.add(key);
    buttons.push(component);
  }
  const components: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length; i += PER_ROW) {
    components.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + PER_ROW) });
  }
  // Discord refuses a message with neither content nor embeds.
  const content = clip(reply.text, MAX_CONTENT) || (embeds.length ? '' : '\u200b');
  return { content, embeds, components, dropped };
}

/** The message body for discord.js or the REST API; ephemeral adds the flag. */
export function messageBody(m: RenderedMessage, ephemeral = false) {
  return {
    content: m.content,
    embeds: m.embeds,
    components: m.components,
    allowed_mentions: { parse: [] },
    ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  };
}
