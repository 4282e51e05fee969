// /v1/courses, /v1/categories and /v1/mall/items (public listing, search, detail), and
// /v1/admin/courses + /v1/admin/mall/items (admin CRUD; deleting deactivates).
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import { errorResponses, json, jsonBody, security } from './common.schemas.js';
import type { AppServices } from '../app.services.js';
import {
  SlugParams,
  CourseSchema,
  CourseDetailSchema,
  MallItemSchema,
  CourseCreate,
  CoursePatch,
  ItemCreate,
  ItemPatch,
  actor,
} from './catalog.schemas.js';

export function catalogRoutes(s: AppServices) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/courses',
      tags: ['catalog'],
      security,
      summary: 'List and search courses (zh/en over title, description, tags)',
      request: {
        query: z.object({
          q: z.string().trim().max(200).optional(),
          category: z
            .string()
            .trim()
            .max(40)
            .regex(/^[a-z-]+$/)
            .optional(),
          hot: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
        }),
      },
      responses: { 200: json(z.object({ items: z.array(CourseSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await s.catalog.listCourses(c.req.valid('query')) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/categories',
      tags: ['catalog'],
      security,
      summary: 'Course categories with zh/en names',
      responses: {
        200: json(
          z.object({
            items: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ items: s.catalog.categories() }, 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/courses/{slug}',
      tags: ['catalog'],
      security,
      summary: 'Course detail with rating',
      request: { params: SlugParams },
      responses: { 200: json(CourseDetailSchema), ...errorResponses },
    }),
    async (c) => c.json(await s.catalog.getCourse(c.req.valid('param').slug), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/courses/{slug}/reviews',
      tags: ['catalog'],
      security,
      summary: 'Reviews of a course, newest first',
      request: { params: SlugParams },
      responses: {
        200: json(
          z.object({
            items: z.array(
              z.object({
                reviewId: z.number().int(),
                userId: z.number().int(),
                courseSlug: z.string(),
                rating: z.number().int(),
                comment: z.string(),
                createdAt: z.string(),
              }),
            ),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ items: await s.reviews.list(c.req.valid('param').slug) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/mall/items',
      tags: ['catalog'],
      security,
      summary: 'Points mall items available now',
      request: {
        query: z.object({
          kind: z.enum(['physical', 'digital', 'coupon', 'membership']).optional(),
          q: z.string().trim().max(200).optional(),
        }),
      },
      responses: { 200: json(z.object({ items: z.array(MallItemSchema) })), ...errorResponses },
    }),
    async (c) =>
      c.json(
        { items: await s.catalog.listItems({ ...c.req.valid('query'), now: s.clock.now() }) },
        200,
      ),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/mall/items/{slug}',
      tags: ['catalog'],
      security,
      request: { params: SlugParams },
      responses: { 200: json(MallItemSchema), ...errorResponses },
    }),
    async (c) => c.json(await s.catalog.getItem(c.req.valid('param').slug), 200),
  );

  // Admin CRUD (mounted under /v1/admin, admin keys only).
  const admin = newRouter();
  admin.openapi(
    createRoute({
      method: 'get',
      path: '/courses',
      tags: ['admin'],
      security,
      summary: 'All courses, including inactive',
      responses: { 200: json(z.object({ items: z.array(CourseSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await s.catalog.listCourses({ includeInactive: true }) }, 200),
  );
  admin.openapi(
    createRoute({
      method: 'post',
      path: '/courses',
      tags: ['admin'],
      security,
      request: { body: jsonBody(CourseCreate) },
      responses: { 201: json(CourseSchema, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await s.catalog.createCourse(c.req.valid('json'), actor(c)), 201),
  );
  admin.openapi(
    createRoute({
      method: 'patch',
      path: '/courses/{slug}',
      tags: ['admin'],
      security,
      request: { params: SlugParams, body: jsonBody(CoursePatch) },
      responses: { 200: json(CourseSchema), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await s.catalog.updateCourse(c.req.valid('param').slug, c.req.valid('json'), actor(c)),
        200,
      ),
  );
  admin.openapi(
    createRoute({
      method: 'delete',
      path: '/courses/{slug}',
      tags: ['admin'],
      security,
      summary: 'Deactivate a course (history keeps it)',
      request: { params: SlugParams },
      responses: { 200: json(CourseSchema), ...errorResponses },
    }),
    async (c) => c.json(await s.catalog.deleteCourse(c.req.valid('param').slug, actor(c)), 200),
  );
  admin.openapi(
    createRoute({
      method: 'get',
      path: '/mall/items',
      tags: ['admin'],
      security,
      summary: 'All mall items, including inactive',
      responses: { 200: json(z.object({ items: z.array(MallItemSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await s.catalog.listItems({ includeInactive: true }) }, 200),
  );
  admin.openapi(
    createRoute({
      method: 'post',
      path: '/mall/items',
      tags: ['admin'],
      security,
      request: { body: jsonBody(ItemCreate) },
      responses: { 201: json(MallItemSchema, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await s.catalog.createItem(c.req.valid('json'), actor(c)), 201),
  );
  admin.openapi(
    createRoute({
      method: 'patch',
      path: '/mall/items/{slug}',
      tags: ['admin'],
      security,
      request: { params: SlugParams, body: jsonBody(ItemPatch) },
      responses: { 200: json(MallItemSchema), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await s.catalog.updateItem(c.req.valid('param').slug, c.req.valid('json'), actor(c)),
        200,
      ),
  );
  admin.openapi(
    createRoute({
      method: 'delete',
      path: '/mall/items/{slug}',
      tags: ['admin'],
      security,
      summary: 'Deactivate a mall item',
      request: { params: SlugParams },
      responses: { 200: json(MallItemSchema), ...errorResponses },
    }),
    async (c) => c.json(await s.catalog.deleteItem(c.req.valid('param').slug, actor(c)), 200),
  );

  return { public: r, admin };
}
