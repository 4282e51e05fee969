// Leaderboards of points earned (all time, this week, this month in the service's time
// zone), global or per community. Staff (anyone holding a moderator role) are left out.
import { addDays, localDate, startOfLocalDay, type Clock } from '../shared/clock.js';
import { query, type Em } from '../db/sql.js';
import {
  communityMemberIds,
  displayNames,
  staffAndMergedUserIds,
} from '../membership/community.js';

const pgArray = (ids: number[]) => `{${ids.join(',')}}`;

export type Period = 'all' | 'week' | 'month';

export interface LeaderboardEntry {
  rank: number;
  userId: number;
  displayName: string | null;
  points: number;
}

export interface Leaderboard {
  period: Period;
  community: string | null;
  since: string | null;
  entries: LeaderboardEntry[];
  me: LeaderboardEntry | null;
}

/** Where a period starts (null for all time): Monday 00:00 or the 1st 00:00 in the zone. */
export function periodStart(period: Period, now: Date, timeZone: string): Date | null {
  if (period === 'all') return null;
  const today = localDate(now, timeZone);
  if (period === 'month') return startOfLocalDay(`${today.slice(0, 7)}-01`, timeZone);
  const dow = new Date(`${today}T00:00:00Z`).getUTCDay();
  return startOfLocalDay(addDays(today, -((dow + 6) % 7)), timeZone);
}

export type LeaderboardService = ReturnType<typeof createLeaderboardService>;

export function createLeaderboardService(deps: { em: Em; clock: Clock; timeZone: string }) {
  async function leaderboard(
    opts: { period?: Period; community?: string; limit?: number; userId?: number } = {},
  ): Promise<Leaderboard> {
    const period = opts.period ?? 'all';
    const since = periodStart(period, deps.clock.now(), deps.timeZone);
    const members = opts.community ? await communityMemberIds(deps.em, opts.community) : null;
    const left = await staffAndMergedUserIds(deps.em);
    const rows = await query<{ user_id: string; points: string; rank: string }>(
      deps.em,
      `with totals as (
         select a.user_id, sum(a.points) as points from reward_award a
          where a.status <> 'reversed' and (?::timestamptz is null or a.created_at >= ?::timestamptz)
            and a.created_at <= ?::timestamptz
            and (?::bigint[] is null or a.user_id = any(?::bigint[]))
            and a.user_id <> all(?::bigint[])
          group by a.user_id
       ), ranked as (
         select t.user_id, t.points, rank() over (order by t.points desc) as rank from totals t
       )
       select * from ranked where rank <= ? or user_id = ? order by rank, user_id`,
      [
        since?.toISOString() ?? null,
        since?.toISOString() ?? null,
        deps.clock.now().toISOString(),
        members && pgArray(members),
        members && pgArray(members),
        pgArray(left),
        opts.limit ?? 10,
        opts.userId ?? null,
      ],
    );
    const names = await displayNames(
      deps.em,
      rows.map((r) => Number(r.user_id)),
    );
    const toEntry = (r: (typeof rows)[number]): LeaderboardEntry => ({
      rank: Number(r.rank),
      userId: Number(r.user_id),
      displayName: names.get(Number(r.user_id)) ?? null,
      points: Number(r.points),
    });
    const limit = opts.limit ?? 10;
    const entries = rows
      .map(toEntry)
      .filter((e) => e.rank <= limit)
      .slice(0, limit);
    const meRow = opts.userId ? rows.find((r) => Number(r.user_id) === opts.userId) : undefined;
    return {
      period,
      community: opts.community ?? null,
      since: since?.toISOString() ?? null,
      entries,
      me: meRow ? toEntry(meRow) : null,
    };
  }

  return { leaderboard };
}
