// Which entities each intent keeps. Extraction is intent-independent; this only decides what
// the dialog should see (an item is noise for a course question, a quantity for a greeting).
import type { EntityMatch } from './nlu.entities.js';
import type { Entities, IntentId } from './nlu.types.js';

type Key = keyof Entities;

/** Every entity found in a text, with where the course and topic names were. */
export interface CollectedEntities {
  entities: Entities;
  courseMatch?: EntityMatch;
  topicMatch?: EntityMatch;
}

const COURSE: Key[] = ['course', 'topic', 'quantity', 'amount', 'user'];
const BROWSE: Key[] = ['topic', 'course', 'amount'];

const KEEP: Record<IntentId, Key[]> = {
  greeting: ['user'],
  thanks_bye: ['user'],
  help: [],
  balance: ['amount', 'user'],
  points_history: ['amount', 'user'],
  earn_points: ['amount', 'course'],
  checkin: [],
  invite: ['user', 'amount'],
  browse_courses: BROWSE,
  course_detail: COURSE,
  recommend_courses: BROWSE,
  redeem_course: COURSE,
  buy_course: COURSE,
  browse_mall: ['item', 'amount'],
  redeem_item: ['item', 'quantity', 'amount', 'user'],
  order_status: ['item', 'course'],
  refund: ['course', 'item', 'amount'],
  membership: ['amount', 'item'],
  upgrade_membership: ['amount', 'item'],
  points_expiry: ['amount'],
  leaderboard: ['user'],
  human_agent: [],
  out_of_scope: ['user', 'amount'],
};

function sameSpan(a: EntityMatch | undefined, b: EntityMatch | undefined): boolean {
  return !!a && !!b && a.start < b.end && b.start < a.end;
}

export function filterEntities(
  intent: IntentId,
  all: CollectedEntities,
  _matches: EntityMatch[],
): Entities {
  const out: Entities = {};
  for (const k of KEEP[intent]) {
    const v = all.entities[k];
    if (v !== undefined) (out as Record<Key, string | number>)[k] = v;
  }
  // "有没有英语课": when browsing, a word that is both a topic and a course alias is a topic.
  if (
    (intent === 'browse_courses' || intent === 'recommend_courses') &&
    out.topic &&
    sameSpan(all.courseMatch, all.topicMatch)
  ) {
    delete out.course;
  }
  return out;
}
