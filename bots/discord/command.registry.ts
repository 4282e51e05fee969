// Validates the command modules when they are loaded (zod, Discord's documented limits) and
// indexes them by name. A malformed module stops the start instead of failing at registration.
import { z } from 'zod';
import type { Command } from './discord.types.js';

const name = z
  .string()
  .regex(/^[a-z0-9_-]{1,32}$/, 'lower-case letters, digits, - or _; at most 32');
const text100 = z.string().min(1).max(100);
const localizations = z.object({ 'en-US': text100, 'zh-CN': text100 });

const option = z.object({
  type: z.number().int().min(3).max(11),
  name,
  description: text100,
  description_localizations: localizations,
  required: z.boolean().optional(),
  autocomplete: z.boolean().optional(),
  choices: z
    .array(
      z.object({
        name: text100,
        name_localizations: z.record(z.string(), text100).optional(),
        value: z.union([z.string().max(100), z.number()]),
      }),
    )
    .max(25)
    .optional(),
});

const fn = z.custom<(...args: never[]) => unknown>(
  (v) => typeof v === 'function',
  'must be a function',
);

export const commandSchema = z
  .object({
    data: z.object({
      name,
      description: text100,
      description_localizations: localizations,
      options: z.array(option).max(25).optional(),
      contexts: z.array(z.number().int()).optional(),
      integration_types: z.array(z.number().int()).optional(),
    }),
    personal: z.boolean(),
    toInbound: fn.optional(),
    autocomplete: fn.optional(),
  })
  .superRefine((c, ctx) => {
    const opts = c.data.options ?? [];
    if (opts.some((o) => o.autocomplete) && !c.autocomplete) {
      ctx.addIssue({
        code: 'custom',
        path: ['autocomplete'],
        message: 'an option has autocomplete: true but the module has no autocomplete()',
      });
    }
    // Discord rejects a required option after an optional one.
    const firstOptional = opts.findIndex((o) => !o.required);
    if (firstOptional >= 0 && opts.slice(firstOptional).some((o) => o.required)) {
      ctx.addIssue({
        code: 'custom',
        path: ['data', 'options'],
        message: 'required options must come first',
      });
    }
  });

export type CommandRegistry = ReadonlyMap<string, Command>;

/** Validates every module; throws one error naming each bad module and field. */
export function loadCommands(modules: readonly Command[]): CommandRegistry {
  const registry = new Map<string, Command>();
  const problems: string[] = [];
  for (const [i, mod] of modules.entries()) {
    const parsed = commandSchema.safeParse(mod);
    const label = mod?.data?.name ?? `#${i}`;
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map((p) => `/${label} ${p.path.join('.')}: ${p.message}`),
      );
      continue;
    }
    if (registry.has(mod.data.name)) problems.push(`/${label}: defined twice`);
    registry.set(mod.data.name, mod);
  }
  if (problems.length) throw new Error(`invalid Discord command modules: ${problems.join('; ')}`);
  return registry;
}
