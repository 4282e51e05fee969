// The web chat at `/`: one self-contained page (no build step) that talks to POST /v1/chat
// with the visitor's signed session cookie, and renders replies, buttons and cards.
export const CHAT_PAGE = /* html */ `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>学分助手 · xuefen</title>
<style>
  :root { --brand: #2f6fed; --bg: #f4f6fb; --me: #2f6fed; --bot: #fff; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; background: var(--bg); color: #1d2433; }
  header { background: var(--brand); color: #fff; padding: 12px 16px; font-weight: 600; }
  header small { font-weight: 400; opacity: .85; margin-left: 8px; }
  #log { height: calc(100vh - 118px); overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 10px; }
  .msg { max-width: 78%; padding: 9px 13px; border-radius: 14px; white-space: pre-wrap; word-break: break-word; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
  .me { align-self: flex-end; background: var(--me); color: #fff; border-bottom-right-radius: 4px; }
  .bot { align-self: flex-start; background: var(--bot); border-bottom-left-radius: 4px; }
  .buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
  .buttons button, .buttons a { border: 1px solid var(--brand); background: #fff; color: var(--brand); border-radius: 16px; padding: 4px 12px; cursor: pointer; font: inherit; text-decoration: none; }
  .buttons button:hover { background: var(--brand); color: #fff; }
  .buttons button:disabled { opacity: .45; cursor: default; background: #fff; color: var(--brand); }
  .card { border: 1px solid #e2e6ef; border-radius: 10px; padding: 8px 10px; margin-top: 8px; }
  .card b { display: block; }
  form { display: flex; gap: 8px; padding: 10px 16px; background: #fff; border-top: 1px solid #e2e6ef; }
  input { flex: 1; padding: 10px 12px; border: 1px solid #cfd6e4; border-radius: 20px; font: inherit; }
  form button { background: var(--brand); color: #fff; border: 0; border-radius: 20px; padding: 0 18px; font: inherit; cursor: pointer; }
</style>
</head>
<body>
<header>学分助手 xuefen <small>积分 · 课程 · 积分商城</small></header>
<main id="log" aria-live="polite"></main>
<form id="form" autocomplete="off">
  <input id="text" name="text" maxlength="2000" placeholder="问我：我有多少积分 / how many points do I have" aria-label="message">
  <button type="submit" id="send">发送</button>
</form>
<script>
const log = document.getElementById('log');
const form = document.getElementById('form');
const input = document.getElementById('text');
const lang = (navigator.language || 'zh').toLowerCase().startsWith('zh') ? 'zh' : 'en';

function bubble(text, who) {
  const div = document.createElement('div');
  div.className = 'msg ' + who;
  div.textContent = text;
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
  return div;
}

function addButtons(parent, buttons) {
  if (!buttons || !buttons.length) return;
  const row = document.createElement('div');
  row.className = 'buttons';
  for (const b of buttons) {
    if (b.url) {
      const a = document.createElement('a');
      a.href = b.url; a.target = '_blank'; a.rel = 'noopener'; a.textContent = b.label;
      row.appendChild(a);
      continue;
    }
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.textContent = b.label;
    btn.dataset.action = b.id;
    btn.addEventListener('click', () => {
      row.querySelectorAll('button').forEach((x) => (x.disabled = true));
      send({ action: b.id }, b.label);
    });
    row.appendChild(btn);
  }
  parent.appendChild(row);
}

function render(reply) {
  const div = bubble(reply.text, 'bot');
  for (const card of reply.cards || []) {
    const c = document.createElement('div');
    c.className = 'card';
    const t = document.createElement('b');
    t.textContent = card.title;
    c.appendChild(t);
    if (card.subtitle) c.appendChild(document.createTextNode(card.subtitle));
    addButtons(c, card.buttons);
    div.appendChild(c);
  }
  addButtons(div, reply.buttons);
}

async function send(body, shown) {
  bubble(shown, 'me');
  try {
    const res = await fetch('/v1/chat', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, user: { channel: 'web', languageCode: lang } }),
    });
    if (res.status === 429) {
      const wait = Number(res.headers.get('retry-after')) || 0;
      bubble(lang === 'zh'
        ? '消息发得太快了，请' + (wait ? ' ' + wait + ' 秒后' : '稍后') + '再试。'
        : "You're sending messages too fast. Please try again " + (wait ? 'in ' + wait + ' s.' : 'in a moment.'), 'bot');
      return;
    }
    const data = await res.json();
    if (!res.ok) { bubble((data.error && data.error.message) || 'error', 'bot'); return; }
    for (const r of data.replies) render(r);
  } catch (e) {
    bubble(lang === 'zh' ? '网络出错了，请稍后再试。' : 'Network error, please try again.', 'bot');
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  send({ text }, text);
});
// An invite link (/r/<code>) opens this page with ?ref=<code>: the first turn accepts it.
const ref = new URLSearchParams(location.search).get('ref');
if (ref && /^[A-Za-z0-9_-]{1,60}$/.test(ref)) {
  history.replaceState(null, '', location.pathname);
  send({ ref }, (lang === 'zh' ? '邀请码 ' : 'Invitation code ') + ref);
} else {
  bubble(lang === 'zh' ? '你好！我是学分助手，可以帮你查积分、签到、兑换课程和商品。' : "Hi! I'm the xuefen assistant: points, check-ins, courses and the points mall.", 'bot');
}
input.focus();
</script>
</body>
</html>`;
