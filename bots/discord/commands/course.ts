// /course <course>: one course's details. The value is a catalog slug chosen by autocomplete.
import { anywhere, describe, stringOption, toChoices } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'course',
    ...describe('Show a course', '查看课程详情'),
    options: [
      stringOption('course', 'The course', '课程', {
        required: true,
        autocomplete: true,
        maxLength: 100,
      }),
    ],
    ...anywhere,
  },
  personal: false,
  async autocomplete(query, catalog) {
    return toChoices(await catalog.searchCourses(query.value, query.lang));
  },
} satisfies Command;
