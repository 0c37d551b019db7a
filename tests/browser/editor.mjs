// The table editor of `nianbao serve` driven in Chromium (issue 18).
//
//   node editor.mjs --bin NIANBAO --site DIR --artifacts DIR [--docs DIR]
//
// Starts `nianbao serve` on a copy of the site (it writes to it), opens the
// report page, follows 「编辑本报告」 by its name, finds a figure by its
// accessible name, types a figure that breaks A2 and expects the message
// (应为 …) in the live region with aria-invalid and aria-describedby on the
// cell; fixes the totals, saves, and expects the figures in the file and on
// the preview page. Also: Enter moves down, pasting a block from a
// spreadsheet fills the grid, the form works without JavaScript, and axe
// reports 0 violations on the editor at 1280 px, 375 px and in large text;
// the Nu checker finds no error in its HTML. Saves a screenshot (and, with
// --docs, the one docs/editor.md shows).
//
// Prints `ok`/`not ok` per check and closes with `editor: N passed, M failed`.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const VNU = String(require('vnu-jar'));
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const BIN = path.resolve(args.bin);
const SITE = path.resolve(args.site);
const ARTIFACTS = path.resolve(args.artifacts ?? 'browser-artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const JAVA = process.env.JAVA ?? 'java';
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  rules: { 'td-has-header': { enabled: true }, 'table-fake-caption': { enabled: true } },
};
const REPORT = path.join(SITE, 'content/2021/pingan.md');

let passed = 0;
let failed = 0;
function check(ok, name, details = []) {
  if (ok) passed += 1; else failed += 1;
  console.log(`${ok ? 'ok' : 'not ok'} ${passed + failed} - editor: ${name}`);
  for (const d of details) console.log(`    ${d}`);
  return ok;
}

const watchdog = setTimeout(() => {
  console.log('not ok - the editor suite did not finish within 5 minutes');
  console.log(`editor: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}, 5 * 60 * 1000);

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (o) => (await window.axe.run(document, o)).violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), AXE_OPTIONS);
}

const port = await freePort();
const out = fs.mkdtempSync(path.join(path.dirname(SITE), 'editor-out-'));
const server = spawn(BIN, ['serve', '--root', SITE, '--out', path.join(out, 'public'), '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => { serverLog += d; });
const BASE = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
try {
  await until('the preview', async () => (await fetch(`${BASE}/`)).ok, 60000);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

  // Open from the report page by the link's name.
  await page.goto(`${BASE}/2021/pingan/`);
  await page.getByRole('link', { name: '编辑本报告' }).click();
  await page.waitForURL(/__nianbao\/edit\/2021\/pingan\/$/);
  check(true, 'the report page links 「编辑本报告」 and it opens the form');

  // A figure by its accessible name; a value that breaks A2.
  const cell = page.getByRole('textbox', { name: '本年新收政府信息公开申请数量 自然人' });
  check(await cell.inputValue() === '3', 'the cell named 「本年新收政府信息公开申请数量 自然人」 shows 3');
  const started = Date.now();
  await cell.fill('4');
  const alert = page.getByRole('alert');
  await until('the A2 message', async () => /应为 3/.test(await alert.textContent()));
  const ms = Date.now() - started;
  const described = await cell.getAttribute('aria-describedby');
  const msg = described ? await page.locator(`[id="${described.split(' ')[0]}"]`).textContent() : '';
  check(await cell.getAttribute('aria-invalid') === 'true' && /A2/.test(msg) && /应为 3/.test(msg),
    `typing 4 shows the broken identity in the live region (${ms} ms), aria-invalid and aria-describedby on the cell`, [msg]);

  // The screenshot docs/editor.md shows: the message and the marked cell.
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 1700 });
  await page.locator('#problems-title').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollTo(0, document.getElementById('problems-title').getBoundingClientRect().top + window.scrollY - 16));
  const shot = { path: path.join(ARTIFACTS, 'editor.png'), fullPage: false };
  await page.screenshot(shot);
  if (args.docs) await page.screenshot({ ...shot, path: path.join(path.resolve(args.docs), 'editor.png') });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Fix the totals: the row total, the result and the grand totals.
  const named = (n) => page.getByRole('textbox', { name: n, exact: true });
  await named('一、本年新收政府信息公开申请数量 总计').fill('4');
  await page.getByRole('textbox', { name: '属于三类内部事务信息 自然人' }).fill('4');
  await page.getByRole('textbox', { name: '属于三类内部事务信息 总计' }).fill('4');
  await named('三、本年度办理结果（七）总计 自然人').fill('4');
  await named('三、本年度办理结果（七）总计 总计').fill('4');
  await until('the form to balance', async () => /核对通过/.test(await alert.textContent()));
  check(await cell.getAttribute('aria-invalid') === null, 'fixing the totals clears the message and aria-invalid');

  // Keyboard: Enter moves to the same column of the next row.
  await cell.focus();
  await page.keyboard.press('Enter');
  const next = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  check(next === '二、上年结转政府信息公开申请数量 自然人', 'Enter moves down like a spreadsheet', [next]);


  // Save; the file has the figures, the preview shows them.
  await page.getByRole('button', { name: '保存到文件' }).click();
  await until('the save', async () => /已保存/.test(await page.locator('#editor-status').textContent()));
  const text = fs.readFileSync(REPORT, 'utf8');
  check(/本年新收政府信息公开申请数量:\s+\[4, 0, 0, 0, 0, 0, 4\]/.test(text) && /^总计:\s+\[4, 0, 0, 0, 0, 0, 4\]/m.test(text),
    'saving writes the figures into the Markdown');
  const view = await browser.newPage();
  await until('the preview to show the new figures', async () => {
    await view.goto(`${BASE}/2021/pingan/`);
    return view.evaluate(() => [...document.querySelectorAll('#applications td')].some((td) => td.textContent === '4'));
  });
  check(true, 'the preview page shows the saved figures');

  // Paste a block from a spreadsheet: full-width digits, separators, 件, one bad value.
  await page.reload();
  const start = page.getByRole('textbox', { name: '予以公开 自然人' });
  await start.focus();
  await start.evaluate((el) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', '1\t２\t1,000件\n0\tx\t0\n');
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  const values = await page.evaluate(() => [...document.querySelectorAll('input.cell')]
    .filter((i) => /^applications\.(granted|partial)\.(natural_person|commercial|research)$/.test(i.name))
    .map((i) => `${i.name}=${i.value}`));
  const report = await page.locator('#paste-report').textContent();
  check(values.join(' ').includes('granted.natural_person=1') && values.join(' ').includes('granted.commercial=2') &&
    values.join(' ').includes('granted.research=1000') && values.join(' ').includes('partial.natural_person=0') && /不是数字/.test(report),
  'pasting a block fills the grid from the cell, normalises figures and lists what it could not read', [...values, report]);

  // axe: desktop, phone, large text.
  await page.reload();
  let v = await axe(page);
  check(v.length === 0, 'axe: 0 violations on the editor at 1280 px', v);
  await page.setViewportSize({ width: 375, height: 740 });
  v = await axe(page);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  check(v.length === 0 && scroll, 'axe: 0 violations at 375 px, and no horizontal page scroll', v);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByLabel('大字模式').check();
  v = await axe(page);
  check(v.length === 0, 'axe: 0 violations in large-text mode', v);

  // The preview's own additions (the link, the home page's list) keep its pages clean.
  for (const url of ['/', '/2021/pingan/']) {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await p.goto(`${BASE}${url}`);
    v = await axe(p);
    check(v.length === 0, `axe: 0 violations on ${url} as the preview serves it (with the editor's links)`, v);
    await p.close();
  }

  // vnu on the editor's HTML as served.
  const html = await (await fetch(`${BASE}/__nianbao/edit/2021/pingan/`)).text();
  const file = path.join(out, 'editor.html');
  fs.writeFileSync(file, html);
  const r = spawnSync(JAVA, ['-jar', VNU, '--format', 'json', file], { encoding: 'utf8' });
  const errors = JSON.parse(r.stderr || r.stdout || '{"messages":[]}').messages.filter((m) => m.type === 'error');
  check(errors.length === 0, 'vnu: the editor page has no HTML errors', errors.map((m) => `${m.lastLine}: ${m.message}`));

  // Without JavaScript: the form posts and the answer has the checks.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const np = await plain.newPage();
  await np.goto(`${BASE}/__nianbao/edit/2021/pingan/`);
  await np.getByRole('textbox', { name: '本年新收政府信息公开申请数量 自然人' }).fill('9');
  await np.getByRole('button', { name: '核对' }).click();
  await np.waitForLoadState();
  const noJs = await np.getByRole('alert').textContent();
  check(/应为/.test(noJs) && fs.readFileSync(REPORT, 'utf8') === text,
    'without JavaScript, 核对 posts the form and the page answers with the checks (nothing written)', [noJs.slice(0, 200)]);
  await plain.close();
} catch (e) {
  check(false, `the editor run failed: ${e.message}`, serverLog.split('\n').slice(-10));
} finally {
  await browser.close();
  server.kill('SIGTERM');
  clearTimeout(watchdog);
}
console.log(`editor: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
