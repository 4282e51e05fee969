// Course browsing, detail and recommendations, and the points mall list.
import type { Reply } from '../assistant.types.js';
import type { CourseLine, Templates } from '../replies/replies.types.js';
import { categoriesOf } from '../../catalog/catalog.categories.js';
import type { CourseView } from '../../catalog/catalog.service.js';
import type { DialogContext, Handler } from './dialog.types.js';
import { button, ids } from './actions.js';
import { recommendCourses } from '../recommend.js';

const PAGE = 5;

export const courseLine = (c: CourseView, t: Templates): CourseLine => ({
  slug: c.slug,
  title: t.pick(c.titleZh, c.titleEn),
  pointsPrice: c.pointsPrice,
  priceFen: c.priceFen,
  category: c.category,
  vipFree: c.vipFree,
  membersOnly: c.membersOnlyTier,
});

export async function courseList(
  ctx: DialogContext,
  topic: string | null,
  page: number,
): Promise<Reply[]> {
  const { s, t } = ctx;
  const all = await s.catalog.listCourses(topic ? { category: topic } : {});
  const pages = Math.max(1, Math.ceil(all.length / PAGE));
  const p = Math.min(Math.max(1, page), pages);
  const slice = all.slice((p - 1) * PAGE, p * PAGE);
  const category = topic ? categoriesOf([{ category: topic }])[0] : undefined;
  const topicName = category ? t.pick(category.zh, category.en) : topic;
  const nav = [
    ...(p > 1 ? [button(ids.courses(topic, p - 1), t.buttons.prev)] : []),
    ...(p < pages ? [button(ids.courses(topic, p + 1), t.buttons.next)] : []),
  ];
  return [
    {
      text: t.courseList({
        courses: slice.map((c) => courseLine(c, t)),
        page: p,
        pages,
        topic: topicName,
      }),
      cards: slice.map((c) => ({
        title: t.pick(c.titleZh, c.titleEn),
        subtitle: t.courseCard(c),
        buttons: [button(ids.course(c.slug), t.buttons.details)],
      })),
      buttons: nav.length ? nav : undefined,
    },
  ];
}

export const browseCourses: Handler = (ctx) => courseList(ctx, ctx.entities.topic ?? null, 1);

export async function courseDetail(ctx: DialogContext, slug: string): Promise<Reply[]> {
  const { s, t } = ctx;
  const c = await s.catalog.getCourse(slug);
  return [
    {
      text: t.courseDetail({
        ...courseLine(c, t),
        description: t.pick(c.descriptionZh, c.descriptionEn),
        rating: c.rating,
      }),
      buttons: [
        button(ids.redeemCourse(c.slug), t.buttons.redeem),
        button(ids.buy(c.slug), t.buttons.buy),
      ],
    },
  ];
}

export const recommend: Handler = async (ctx) => {
  const { s, t, userId } = ctx;
  const r = await recommendCourses(s, userId, 3);
  return [
    {
      text: t.recommend({ courses: r.courses.map((c) => courseLine(c, t)), basedOn: r.basedOn }),
      buttons: r.courses.map((c) => button(ids.course(c.slug), t.pick(c.titleZh, c.titleEn))),
    },
  ];
};

export const browseMall: Handler = async ({ s, t }) => {
  const items = await s.catalog.listItems();
  return [
    {
      text: t.mallList(
        items.map((i) => ({
          slug: i.slug,
          title: t.pick(i.titleZh, i.titleEn),
          pointsPrice: i.pointsPrice,
          stock: i.stock,
          kind: i.kind,
        })),
      ),
      buttons: items
        .filter((i) => i.stock === null || i.stock > 0)
        .map((i) => button(ids.item(i.slug), t.pick(i.titleZh, i.titleEn))),
    },
  ];
};
