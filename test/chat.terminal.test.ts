// `npm run chat`: the assistant in a terminal, buttons as numbered choices (input piped in).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'xuefen-chat-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('terminal chat', () => {
  it('answers typed messages and numbered button choices', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/chat.ts'],
        {
          env: {
            ...process.env,
            DATABASE_URL: '',
            DATA_DIR: dataDir,
            LOG_LEVEL: 'warn',
            LANG: 'zh_CN.UTF-8',
          },
          timeout: 60_000,
        },
        (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
      child.stdin!.end('你好\n3\n1\nhow many points do I have\n/quit\n');
    });
    expect(out).toContain('我是学分助手');
    expect(out).toMatch(/\[3\] 看课程/);
    expect(out).toContain('全部课程（第 1/3 页）');
    expect(out).toContain('全部课程（第 2/3 页）');
    expect(out).toMatch(/\[\d+\] 详情 · Python 编程入门/);
    expect(out).toContain('Your balance: 0 points');
  });
});
