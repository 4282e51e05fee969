// Settings: a tiny key/value table for one-time setup flags (a seed runs once) and generated
// secrets that must survive restarts.
import { defineEntity } from '@mikro-orm/core';

export const AppSetting = defineEntity({
  name: 'AppSetting',
  tableName: 'app_setting',
  properties: (p) => ({
    key: p.string().length(100).primary(),
    value: p.json<unknown>().columnType('jsonb'),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
  }),
});
