// Shared types of the NLU engine. The catalog arrives as plain data so the service can feed
// it from the database; nothing here depends on the demo catalog module.

export const INTENT_IDS = [
  'greeting',
  'thanks_bye',
  'help',
  'balance',
  'points_history',
  'earn_points',
  'checkin',
  'invite',
  'browse_courses',
  'course_detail',
  'recommend_courses',
  'redeem_course',
  'buy_course',
  'browse_mall',
  'redeem_item',
  'order_status',
  'refund',
  'membership',
  'upgrade_membership',
  'points_expiry',
  'leaderboard',
  'human_agent',
  'out_of_scope',
] as const;

export type IntentId = (typeof INTENT_IDS)[number];
export type Lang = 'zh' | 'en';

export interface Entities {
  /** Course slug. */
  course?: string;
  /** Mall item slug. */
  item?: string;
  /** Category id (e.g. 'data', 'finance'). */
  topic?: string;
  quantity?: number;
  /** Points amount ("50分", "50 points", "grant 50"). */
  amount?: number;
  /** Mentioned user: a username without '@', or a numeric platform id ("<@123>" → "123"). */
  user?: string;
}

export interface RankedIntent {
  intent: IntentId;
  score: number;
}

export interface ParseResult {
  intent: IntentId;
  /** Calibrated probability of `intent` (0..1). For a forced out_of_scope it is 1 − top score. */
  confidence: number;
  /** Top 3 classifier intents with softmax probabilities (before the out-of-scope rule). */
  ranking: RankedIntent[];
  /** Entities relevant to the chosen intent. */
  entities: Entities;
  /** Every entity found, whatever the intent (for slot filling across turns). */
  allEntities: Entities;
  lang: Lang;
}

export interface ParseOptions {
  /** Language hint (e.g. the platform's language code), used when the text has no letters. */
  lang?: Lang;
}

/** Minimal course shape the matcher needs; DemoCourse and DB rows both fit. */
export interface CatalogCourse {
  slug: string;
  titleZh: string;
  titleEn: string;
  category?: string;
  tags?: string[];
  aliases?: string[];
  active?: boolean;
}

export interface CatalogItem {
  slug: string;
  titleZh: string;
  titleEn: string;
  aliases?: string[];
  active?: boolean;
}

export interface CatalogCategory {
  id: string;
  zh: string;
  en: string;
  aliases?: string[];
}

export interface NluCatalog {
  courses: CatalogCourse[];
  items: CatalogItem[];
  categories: CatalogCategory[];
}

export interface TrainingExample {
  text: string;
  intent: IntentId;
}
