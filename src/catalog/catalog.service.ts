// Courses and mall items: public listing, bilingual search and detail, admin CRUD, and the
// one-time demo seed. Other modules read the catalog through this service.
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { CATEGORY_NAMES, type MallItemKind } from './data/demo-catalog.js';
import { searchEntries } from './catalog.rules.js';
import {
  toCourse,
  toItem,
  type CourseDetail,
  type CourseInput,
  type CourseRow,
  type CourseView,
  type ItemRow,
  type MallItemInput,
  type MallItemView,
} from './catalog.views.js';
import { assertItemShape, COURSE_COLS, insertRow, ITEM_COLS, updateRow } from './catalog.writes.js';
import { seedDemoCatalog } from './catalog.seed.js';

export {
  toCourse,
  toItem,
  type CourseDetail,
  type CourseInput,
  type CourseView,
  type MallItemInput,
  type MallItemView,
};

export type CatalogService = ReturnType<typeof createCatalogService>;

export function createCatalogService(deps: {
  em: Em;
  pointsPerFen?: number;
  /** A course's rating from its reviews (orders answers: reviews are orders' rows). */
  courseRating: (em: Em, courseId: number) => Promise<{ average: number | null; count: number }>;
}) {
  const k = deps.pointsPerFen ?? 1;

  async function listCourses(
    opts: { q?: string; category?: string; hot?: boolean; includeInactive?: boolean } = {},
  ): Promise<CourseView[]> {
    const rows = await query<CourseRow>(
      deps.em,
      `select * from course where (?::boolean or active) and (?::text is null or category = ?) and (?::boolean is null or hot = ?)
        order by hot desc, id`,
      [
        opts.includeInactive ?? false,
        opts.category ?? null,
        opts.category ?? null,
        opts.hot ?? null,
        opts.hot ?? null,
      ],
    );
    return searchEntries(
      rows.map((r) => toCourse(r, k)),
      opts.q,
    );
  }

  async function courseRow(slug: string, em: Em = deps.em, forUpdate = false): Promise<CourseView> {
    const r = await queryOne<CourseRow>(
      em,
      `select * from course where slug = ?${forUpdate ? ' for update' : ''}`,
      [slug],
    );
    if (!r) throw new DomainError('course_not_found', `no course "${slug}"`, { slug });
    return toCourse(r, k);
  }

  async function getCourse(
    slug: string,
    opts: { includeInactive?: boolean } = {},
  ): Promise<CourseDetail> {
    const course = await courseRow(slug);
    if (!course.active && !opts.includeInactive)
      throw new DomainError('course_not_found', `no course "${slug}"`, { slug });
    return { ...course, rating: await deps.courseRating(deps.em, course.id) };
  }

  async function courseById(id: number, em: Em = deps.em): Promise<CourseView> {
    const r = await queryOne<CourseRow>(em, `select * from course where id = ?`, [id]);
    if (!r) throw new DomainError('course_not_found', `no course with id ${id}`);
    return toCourse(r, k);
  }

  async function listItems(
    opts: { includeInactive?: boolean; kind?: MallItemKind; q?: string; now?: Date } = {},
  ): Promise<MallItemView[]> {
    const now = (opts.now ?? new Date()).toISOString();
    const rows = await query<ItemRow>(
      deps.em,
      `select * from mall_item where (?::boolean or (active and (available_from is null or available_from <= ?::timestamptz)
          and (available_until is null or available_until > ?::timestamptz))) and (?::text is null or kind = ?)
        order by points_price, id`,
      [opts.includeInactive ?? false, now, now, opts.kind ?? null, opts.kind ?? null],
    );
    const items = rows.map(toItem);
    return searchEntries(
      items.map((i) => ({ ...i, tags: [] as string[] })),
      opts.q,
    ).map(({ tags: _t, ...i }) => i);
  }

  async function getItem(slug: string, em: Em = deps.em): Promise<MallItemView> {
    const r = await queryOne<ItemRow>(em, `select * from mall_item where slug = ?`, [slug]);
    if (!r) throw new DomainError('item_not_found', `no mall item "${slug}"`, { slug });
    return toItem(r);
  }

  function categories() {
    return Object.entries(CATEGORY_NAMES).map(([code, n]) => ({ code, zh: n.zh, en: n.en }));
  }

  async function createCourse(input: CourseInput, actor: string): Promise<CourseView> {
    return inTransaction(deps.em, async (tx) => {
      await insertRow(tx, 'course', COURSE_COLS, input as unknown as Record<string, unknown>);
      await audit(tx, {
        actor,
        action: 'course.create',
        subject: `course:${input.slug}`,
        details: { ...input },
      });
      return courseRow(input.slug, tx);
    });
  }

  async function updateCourse(
    slug: string,
    patch: Partial<Omit<CourseInput, 'slug'>>,
    actor: string,
  ): Promise<CourseView> {
    return inTransaction(deps.em, async (tx) => {
      if (!(await updateRow(tx, 'course', COURSE_COLS, slug, patch)))
        throw new DomainError('course_not_found', `no course "${slug}"`, { slug });
      await audit(tx, {
        actor,
        action: 'course.update',
        subject: `course:${slug}`,
        details: { ...patch },
      });
      return courseRow(slug, tx);
    });
  }

  /** Deactivates a course: orders and enrollments keep referring to it. */
  async function deleteCourse(slug: string, actor: string): Promise<CourseView> {
    return updateCourse(slug, { active: false }, actor);
  }

  async function createItem(input: MallItemInput, actor: string): Promise<MallItemView> {
    assertItemShape(input);
    return inTransaction(deps.em, async (tx) => {
      await insertRow(tx, 'mall_item', ITEM_COLS, input as unknown as Record<string, unknown>);
      await audit(tx, {
        actor,
        action: 'item.create',
        subject: `item:${input.slug}`,
        details: { ...input },
      });
      return getItem(input.slug, tx);
    });
  }

  async function updateItem(
    slug: string,
    patch: Partial<Omit<MallItemInput, 'slug'>>,
    actor: string,
  ): Promise<MallItemView> {
    return inTransaction(deps.em, async (tx) => {
      if (!(await updateRow(tx, 'mall_item', ITEM_COLS, slug, patch)))
        throw new DomainError('item_not_found', `no mall item "${slug}"`, { slug });
      const item = await getItem(slug, tx);
      assertItemShape(item);
      await audit(tx, {
        actor,
        action: 'item.update',
        subject: `item:${slug}`,
        details: { ...patch },
      });
      return item;
    });
  }

  async function deleteItem(slug: string, actor: string): Promise<MallItemView> {
    return updateItem(slug, { active: false }, actor);
  }

  /** Seeds the demo catalog the first time the service starts; later starts change nothing. */
  const seedDemo = () => seedDemoCatalog(deps.em);

  return {
    listCourses,
    getCourse,
    courseRow,
    courseById,
    listItems,
    getItem,
    categories,
    createCourse,
    updateCourse,
    deleteCourse,
    createItem,
    updateItem,
    deleteItem,
    seedDemo,
  };
}
