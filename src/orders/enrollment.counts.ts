// How many people are enrolled in each course: the popularity the assistant recommends by when
// it knows nothing about a user yet. Enrollments are the orders module's rows.
import { query, type Em } from '../db/sql.js';

export type EnrollmentCounts = ReturnType<typeof createEnrollmentCounts>;

export function createEnrollmentCounts(deps: { em: Em }) {
  /** Active enrollments per course id (courses nobody is enrolled in are absent). */
  async function activeByCourse(): Promise<Map<number, number>> {
    const rows = await query<{ course_id: string; n: string }>(
      deps.em,
      `select course_id, count(*) as n from enrollment where status = 'active' group by course_id`,
    );
    return new Map(rows.map((r) => [Number(r.course_id), Number(r.n)]));
  }

  return { activeByCourse };
}
