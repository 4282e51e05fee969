// Which language a turn is answered in: what the person typed, else the conversation's, else
// the platform's, else Chinese.
import type { Lang } from '../assistant.types.js';

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

export const platformLanguage = (code?: string): Lang | undefined =>
  code ? (code.toLowerCase().startsWith('zh') ? 'zh' : 'en') : undefined;
