// /redeem <course>: redeem a course with points; the assistant answers with Confirm/Cancel.
import { anywhere, describe, stringOption, toChoices } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'redeem',
    ...describe('Redeem a course with points', '用积分兑换课程'),
    options: [
      stringOption('course', 'The course to redeem', '要兑换的课程', {
        required: true,
        autocomplete: true,
        maxLength: 100,
      }),
    ],
    ...anywhere,
  },
  personal: true,
  async autocomplete(query, catalog) {
    return toChoices(await catalog.searchCourses(query.value, query.lang));
  },
} satisfies Command;
