// Course reviews: rating 1–5 and a comment, one per user and course, only on courses the
// user is enrolled in. A review earns through the same 'review.posted' rule as the events API.
import { DomainError } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { EventsService } from '../rewards/events.service.js';
import { lockUser } from '../membership/user.lock.js';

export interface ReviewView {
  reviewId: number;
  userId: number;
  courseSlug: string;
  rating: number;
  comment: string;
  createdAt: string;
}

export function createReviewsService(deps: {
  em: Em;
  clock: Clock;
  catalog: CatalogService;
  events: EventsService;
}) {
  async function post(input: {
    userId: number;
    courseSlug: string;
    rating: number;
    comment: string;
  }): Promise<ReviewView & { points: number }> {
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5)
      throw new DomainError('invalid_input', 'rating must be 1 to 5');
    return inTransaction(deps.em, async (tx) => {
      const user = await lockUser(tx, input.userId);
      const course = await deps.catalog.courseRow(input.courseSlug, tx);
      const enrolled = await queryOne(
        tx,
        `select 1 from enrollment where user_id = ? and course_id = ? and status = 'active'`,
        [user.id, course.id],
      );
      if (!enrolled)
        throw new DomainError('not_enrolled', 'only enrolled learners can review a course', {
          slug: course.slug,
        });
      const row = await queryOne<{ id: string; created_at: Date }>(
        tx,
        `insert into course_review (user_id, course_id, rating, comment, created_at) values (?, ?, ?, ?, ?::timestamptz)
         on conflict (user_id, course_id) do nothing returning id, created_at`,
        [user.id, course.id, input.rating, input.comment, deps.clock.now().toISOString()],
      );
      if (!row)
        throw new DomainError('already_reviewed', 'you already reviewed this course', {
          slug: course.slug,
        });
      const { awards } = await deps.events.earnFor(
        tx,
        user,
        { type: 'review.posted', data: { courseSlug: course.slug, rating: input.rating } },
        `user:${user.id}`,
      );
      return {
        reviewId: Number(row.id),
        userId: user.id,
        courseSlug: course.slug,
        rating: input.rating,
        comment: input.comment,
        createdAt: new Date(row.created_at).toISOString(),
        points: awards.reduce((s, a) => s + a.points, 0),
      };
    });
  }

  async function list(courseSlug: string, limit = 20): Promise<ReviewView[]> {
    const course = await deps.catalog.courseRow(courseSlug);
    const rows = await query<{
      id: string;
      user_id: string;
      rating: number;
      comment: string;
      created_at: Date;
    }>(
      deps.em,
      `select id, user_id, rating, comment, created_at from course_review where course_id = ? order by id desc limit ?`,
      [course.id, limit],
    );
    return rows.map((r) => ({
      reviewId: Number(r.id),
      userId: Number(r.user_id),
      courseSlug,
      rating: r.rating,
      comment: r.comment,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }

  return { post, list };
}
