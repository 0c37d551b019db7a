// Accessibility checks of a built nianbao site in a real browser (issue 9).
//
//   node a11y.mjs --site DIR/public --artifacts DIR
//
// - serves DIR on 127.0.0.1 (a free port) with a tiny static server;
// - finds the pages by kind from the folder (home, year, report, township, region, 404)
//   and fails if one of the kinds every build has is missing;
// - runs axe-core (WCAG 2.0/2.1 A+AA, best-practice, and the experimental
//   td-has-header and table-fake-caption rules) on every page at 1280 px, and on one
//   page of each kind at 375 px and in large-text mode: zero violations;
// - runs the Nu HTML Checker (vnu.jar, the machine's java) on every page and the CSS:
//   zero errors;
// - checks the phone layout (no horizontal page scroll at 375 px, tables scroll in
//   their labelled, focusable region), the keyboard (skip link, visible focus), the
//   large-text toggle, that no web font or off-site file is loaded, and print (A4);
// - saves screenshots at 1280 and 375 px, of print, and an A4 PDF of a report.
//
// Prints `ok`/`not ok` per check and closes with `browser: N passed, M failed`.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const VNU = String(require('vnu-jar'));

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const SITE = path.resolve(args.site ?? 'public');
const ARTIFACTS = path.resolve(args.artifacts ?? 'browser-artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const JAVA = process.env.JAVA ?? 'java';
const STARTED = Number(process.env.SUITE_STARTED ?? Math.floor(Date.now() / 1000));

// The flags a headless Chromium needs in a container, without any network of its own.
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  // Experimental rules are off by default; an explicit `enabled` overrides the tag filter.
  rules: { 'td-has-header': { enabled: true }, 'table-fake-caption': { enabled: true } },
};
const EXPERIMENTAL = Object.keys(AXE_OPTIONS.rules);
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 740 };
// A4 is 210 mm wide; less the stylesheet's 15 mm margins that is 180 mm = 680 CSS px of text width.
const A4_TEXT = { width: 680, height: 1000 };

// A suite that hangs must still end well inside CI's time.
const watchdog = setTimeout(() => {
  console.log('not ok - the suite did not finish within 10 minutes');
  console.log('browser: 0 passed, 1 failed');
  process.exit(1);
}, 10 * 60 * 1000);

const elapsed = () => Math.floor(Date.now() / 1000) - STARTED;
const axeVersion = async () => JSON.parse(fs.readFileSync(require.resolve('axe-core/package.json'), 'utf8')).version;

// ---- results -------------------------------------------------------------
let passed = 0;
let failed = 0;
const totals = { axeViolations: 0, vnuErrors: 0, vnuWarnings: 0, axeIncomplete: 0 };
function check(ok, name, details = []) {
  if (ok) {
    passed += 1;
    console.log(`ok ${passed + failed} - ${name}`);
  } else {
    failed += 1;
    console.log(`not ok ${passed + failed} - ${name}`);
  }
  for (const d of details) console.log(`    ${d}`);
  return ok;
}

// ---- pages ---------------------------------------------------------------
function walk(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out.sort();
}

function kindOf(rel) {
  if (rel === 'index.html') return 'home';
  if (rel === '404.html') return '404';
  if (/^\d{4}\/index\.html$/.test(rel)) return 'year';
  if (/^\d{4}\/[^/]+\/index\.html$/.test(rel)) return 'report';
  if (/^townships\/[^/]+\/index\.html$/.test(rel)) return 'township';
  if (/^regions\/[^/]+\/index\.html$/.test(rel)) return 'region';
  return 'other';
}
const REQUIRED_KINDS = ['home', 'year', 'report', 'township'];
const OPTIONAL_KINDS = ['region', '404'];

// ---- a static server on loopback --------------------------------------------
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml',
};
function serve(root) {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(root, path.normalize(p).replace(/^(\.\.[/\\])+/, ''));
    const inside = file.startsWith(root + path.sep);
    if (inside && fs.existsSync(file) && fs.statSync(file).isFile()) {
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
    } else {
      const nf = path.join(root, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(fs.existsSync(nf) ? fs.readFileSync(nf) : 'not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- axe -------------------------------------------------------------------
async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (options) => {
    const r = await window.axe.run(document, options);
    const slim = (list) => list.map((x) => ({
      id: x.id, impact: x.impact, help: x.help,
      nodes: x.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary ?? '' })),
    }));
    return {
      violations: slim(r.violations),
      incomplete: slim(r.incomplete),
      ran: [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].map((x) => x.id),
      applied: [...r.passes, ...r.violations, ...r.incomplete].map((x) => x.id),
    };
  }, AXE_OPTIONS);
}

function axeDetails(r) {
  const lines = [];
  for (const v of r.violations) {
    lines.push(`${v.id} (${v.impact}): ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) lines.push(`  at ${n.target}: ${n.summary.replace(/\n\s*/g, ' / ')}`);
    if (v.nodes.length > 5) lines.push(`  … and ${v.nodes.length - 5} more`);
  }
  return lines;
}

// ---- Nu HTML Checker ---------------------------------------------------------
function vnu(files) {
  const r = spawnSync(JAVA, ['-Xss4m', '-jar', VNU, '--format', 'json', '--also-check-css', ...files], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`could not run ${JAVA} -jar ${VNU}: ${r.error.message}`);
  let messages;
  try {
    messages = JSON.parse(r.stderr || r.stdout).messages;
  } catch {
    throw new Error(`vnu printed no JSON (exit ${r.status}): ${(r.stderr || r.stdout).slice(0, 2000)}`);
  }
  return messages;
}

// ---- page probes (run in the browser) -------------------------------------------
// ---- phone and print (issue 24) ---------------------------------------------
// Lines of an element's text, by the top of each character's box.
const probeLines = () => {
  const linesOf = (el) => {
    const tops = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = 0; i < n.data.length; i += 1) {
        if (/\s/.test(n.data[i])) continue;
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + 1);
        const rect = r.getBoundingClientRect();
        if (rect.width > 0) tops.push(Math.round(rect.top));
      }
    }
    const lines = [...new Set(tops)].sort((a, b) => a - b);
    return { lines: lines.length, last: tops.filter((t) => t === lines[lines.length - 1]).length };
  };
  const titles = [...document.querySelectorAll('h1, .site-title, caption')].map((el) => ({ text: el.textContent.trim(), ...linesOf(el) }));
  const heads = [...document.querySelectorAll('table thead th')]
    .filter((th) => /^[\u4e00-\u9fff]{4,6}$/.test(th.textContent.trim()))
    .map((th) => ({ text: th.textContent.trim(), ...linesOf(th) }));
  return { titles, heads };
};

// The 主动公开 table fits; the applications table keeps its row labels in view
// when its region is scrolled all the way right.
const probeTables = () => {
  const region = (id) => document.getElementById(id)?.closest('.table-scroll');
  const active = region('active');
  const apps = region('applications');
  const out = { active: active ? { scroll: active.scrollWidth, client: active.clientWidth } : null, labels: [] };
  if (apps) {
    apps.scrollLeft = apps.scrollWidth;
    const box = apps.getBoundingClientRect();
    out.scrolled = apps.scrollLeft;
    out.labels = [...apps.querySelectorAll('tbody th')].map((th) => {
      const r = th.getBoundingClientRect();
      return { text: th.textContent.trim().slice(0, 12), left: r.left, right: r.right, boxLeft: box.left, boxRight: box.right };
    });
  }
  return out;
};

const probeLayout = () => {
  const doc = document.documentElement;
  const regions = [...document.querySelectorAll('.table-scroll')].map((el) => {
    const labelledby = el.getAttribute('aria-labelledby');
    const label = labelledby ? document.getElementById(labelledby)?.textContent.trim() ?? '' : '';
    return {
      id: el.querySelector('table')?.id ?? '',
      role: el.getAttribute('role'),
      label,
      tabindex: el.getAttribute('tabindex'),
      overflowX: getComputedStyle(el).overflowX,
      scrolls: el.scrollWidth > el.clientWidth,
      right: el.getBoundingClientRect().right,
    };
  });
  return { scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, regions };
};

const probeHeadings = () => {
  const hs = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1]));
  const skips = [];
  hs.forEach((l, i) => { if (i > 0 && l > hs[i - 1] + 1) skips.push(`h${hs[i - 1]} → h${l}`); });
  return { h1: hs.filter((l) => l === 1).length, first: hs[0] ?? 0, skips };
};

// axe leaves the contrast of cells spanning several rows "to review" (it cannot see their
// background past the overlapping cells); compute those from the cascade instead.
const probeCellContrast = () => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => { const x = v / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const bgOf = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const low = [];
  let checked = 0;
  for (const el of document.querySelectorAll('caption, th, td')) {
    if (!el.textContent.trim()) continue;
    const s = getComputedStyle(el);
    const fg = parse(s.color);
    if (!fg || fg.a < 1) { low.push(`${el.id || el.tagName}: colour ${s.color} not opaque`); continue; }
    const [l1, l2] = [lum(fg), lum(bgOf(el))];
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const px = parseFloat(s.fontSize);
    const large = px >= 24 || (Number(s.fontWeight) >= 700 && px >= 18.66);
    checked += 1;
    if (ratio < (large ? 3 : 4.5)) low.push(`${el.id || el.tagName} «${el.textContent.trim().slice(0, 12)}»: ${ratio.toFixed(2)}:1`);
  }
  return { checked, low };
};

async function focusStyle(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(), cls: el.className, id: el.id, text: el.textContent.trim().slice(0, 20),
      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
      shadow: s.boxShadow !== 'none',
      visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.left < window.innerWidth,
    };
  });
}

// ---- the suite -------------------------------------------------------------------
async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const files = walk(SITE);
  const html = files.filter((f) => f.endsWith('.html'));
  const byKind = {};
  for (const f of html) (byKind[kindOf(f)] ??= []).push(f);
  const found = Object.entries(byKind).map(([k, v]) => `${k} ${v.length}`).join(', ');
  console.log(`# ${html.length} HTML pages in ${SITE}: ${found}`);
  for (const k of OPTIONAL_KINDS) if (!byKind[k]) console.log(`# no ${k} pages in this build (not required)`);
  check(REQUIRED_KINDS.every((k) => byKind[k]), `every required page kind is built (${REQUIRED_KINDS.join(', ')})`,
    REQUIRED_KINDS.filter((k) => !byKind[k]).map((k) => `missing: ${k}`));

  // One page of each kind for the width, keyboard and print checks: the richest one
  // (the most table rows for year pages, the seed report for reports).
  const sample = {};
  for (const [k, list] of Object.entries(byKind)) {
    const seed = list.find((f) => f.startsWith('2021/pingan/'));
    sample[k] = seed ?? list.reduce((best, f) => (fs.statSync(path.join(SITE, f)).size > fs.statSync(path.join(SITE, best)).size ? f : best));
  }

  // -- Nu HTML Checker on every page and the stylesheets
  const css = files.filter((f) => f.endsWith('.css'));
  console.log(`# ${elapsed()} s: Nu HTML Checker on ${html.length} pages and ${files.filter((f) => f.endsWith('.css')).length} stylesheet(s)`);
  const messages = vnu([...html, ...css].map((f) => path.join(SITE, f)));
  const errors = messages.filter((m) => m.type === 'error' || m.subType === 'fatal' || m.type === 'non-document-error');
  totals.vnuErrors = errors.length;
  totals.vnuWarnings = messages.filter((m) => m.subType === 'warning').length;
  for (const f of [...html, ...css]) {
    const url = `file:${path.join(SITE, f)}`;
    const mine = errors.filter((m) => m.url === url || (m.url ?? '').endsWith(`/${f}`));
    check(mine.length === 0, `vnu: ${f} has no HTML/CSS errors`,
      mine.slice(0, 8).map((m) => `line ${m.lastLine ?? '?'}: ${m.message} «${(m.extract ?? '').trim().slice(0, 80)}»`));
  }
  const stray = errors.filter((m) => ![...html, ...css].some((f) => (m.url ?? '').endsWith(`/${f}`)));
  if (stray.length) check(false, 'vnu: errors not tied to a page', stray.slice(0, 8).map((m) => `${m.url}: ${m.message}`));

  // -- the browser
  const server = await serve(SITE);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  try {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    // Every request must stay on our server, and no font file may be fetched:
    // the Chinese font stack is the reader's own fonts.
    const offsite = [];
    const fonts = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(base) && !req.url().startsWith('data:')) offsite.push(req.url());
      if (req.resourceType() === 'font') fonts.push(req.url());
    });
    const errorsInConsole = [];
    page.on('pageerror', (e) => errorsInConsole.push(String(e)));

    console.log(`# ${elapsed()} s: axe-core ${await axeVersion()} on every page at 1280 px`);
    // -- axe on every page at desktop width
    const experimentalApplied = new Set();
    const experimentalRan = new Set();
    for (const f of html) {
      await page.goto(base + f, { waitUntil: 'load' });
      const r = await axe(page);
      r.ran.filter((id) => EXPERIMENTAL.includes(id)).forEach((id) => experimentalRan.add(id));
      r.applied.filter((id) => EXPERIMENTAL.includes(id)).forEach((id) => experimentalApplied.add(id));
      totals.axeViolations += r.violations.length;
      totals.axeIncomplete += r.incomplete.length;
      const inc = r.incomplete.length
        ? [`(needs review, not counted: ${r.incomplete.map((x) => `${x.id}×${x.nodes.length} e.g. ${x.nodes[0]?.target}`).join('; ')})`]
        : [];
      check(r.violations.length === 0, `axe 1280px: ${f} [${kindOf(f)}] has no violations`, [...axeDetails(r), ...inc]);
      const h = await page.evaluate(probeHeadings);
      check(h.h1 === 1 && h.first === 1 && h.skips.length === 0, `headings: ${f} has one h1 first and no skipped level`,
        h.skips.length || h.h1 !== 1 ? [`h1 count ${h.h1}, first h${h.first}, skips: ${h.skips.join(', ') || 'none'}`] : []);
    }
    check(EXPERIMENTAL.every((id) => experimentalRan.has(id)) && experimentalApplied.has('td-has-header'),
      `axe ran the experimental rules ${EXPERIMENTAL.join(', ')} (td-has-header applied to the report tables)`,
      [`ran: ${[...experimentalRan].join(', ') || 'none'}; applied: ${[...experimentalApplied].join(', ') || 'none'}`]);

    console.log(`# ${elapsed()} s: screenshots, phone width, keyboard, large text, print`);
    // -- screenshots and layout at desktop and phone width, one page of each kind
    const shots = [];
    const shot = async (name) => {
      const p = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: p, fullPage: true });
      shots.push(p);
    };
    for (const [k, f] of Object.entries(sample)) {
      await page.setViewportSize(DESKTOP);
      await page.goto(base + f, { waitUntil: 'load' });
      await shot(`${k}-1280`);
      await page.setViewportSize(PHONE);
      await page.goto(base + f, { waitUntil: 'load' });
      await shot(`${k}-375`);
      const l = await page.evaluate(probeLayout);
      check(l.scrollWidth <= l.innerWidth, `phone 375px: ${f} [${k}] has no horizontal page scroll`,
        [`documentElement.scrollWidth ${l.scrollWidth}, innerWidth ${l.innerWidth}`]);
      const r = await axe(page);
      totals.axeViolations += r.violations.length;
      check(r.violations.length === 0, `axe 375px: ${f} [${k}] has no violations`, axeDetails(r));
      for (const g of l.regions) {
        check(g.role === 'region' && g.label !== '' && g.tabindex === '0' && ['auto', 'scroll'].includes(g.overflowX) && g.right <= l.innerWidth,
          `phone 375px: ${f} table ${g.id || '(summary)'} sits in a labelled, focusable scroll region inside the page`,
          [`role=${g.role} label=«${g.label}» tabindex=${g.tabindex} overflow-x=${g.overflowX} scrolls=${g.scrolls} right=${Math.round(g.right)}`]);
      }
      const t = await page.evaluate(probeLines);
      const orphans = t.titles.filter((x) => x.lines > 1 && x.last === 1);
      check(orphans.length === 0, `phone 375px: no title of ${f} [${k}] ends with a line of one character`,
        orphans.map((x) => `«${x.text}»: ${x.lines} lines, last holds 1`));
      if (k === 'township') {
        const text = await page.evaluate(() => document.body.textContent);
        check(!text.includes('gov-20'), `township page ${f} names formats in words, not ids`);
      }
      if (k === 'report') {
        const c = await page.evaluate(probeCellContrast);
        check(c.checked > 0 && c.low.length === 0, `contrast: all ${c.checked} table cells and captions of ${f} reach AA (4.5:1, large text 3:1)`, c.low.slice(0, 8));
        const wide = l.regions.filter((g) => g.id !== 'active');
        check(wide.length >= 2 && wide.every((g) => g.scrolls),
          `phone 375px: the wide report tables (${wide.length}) scroll inside their regions`,
          wide.filter((g) => !g.scrolls).map((g) => `${g.id} does not scroll`));
        const tb = await page.evaluate(probeTables);
        check(tb.active && tb.active.scroll <= tb.active.client + 1,
          'phone 375px: the 主动公开 table fits without horizontal scrolling', [JSON.stringify(tb.active)]);
        const lost = tb.labels.filter((x) => x.left < x.boxLeft - 1 || x.right > x.boxRight + 1);
        check(tb.scrolled > 0 && tb.labels.length > 20 && lost.length === 0,
          `phone 375px: scrolled right by ${tb.scrolled}px, all ${tb.labels.length} row labels of the applications table stay in view`,
          lost.slice(0, 6).map((x) => `«${x.text}» at ${Math.round(x.left)}–${Math.round(x.right)}, region ${Math.round(x.boxLeft)}–${Math.round(x.boxRight)}`));
        await shot('report-375-applications-scrolled');
        await page.setViewportSize(DESKTOP);
        await page.goto(base + f, { waitUntil: 'load' });
        const d = await page.evaluate(probeLines);
        const broken = d.heads.filter((x) => x.lines > 1);
        check(d.heads.length >= 4 && broken.length === 0,
          `desktop 1280px: none of the ${d.heads.length} column headers of 4–6 Chinese characters spans two lines`,
          broken.map((x) => `«${x.text}»: ${x.lines} lines`));
        const r2 = await axe(page);
        check(r2.violations.length === 0, `axe 1280px after the phone checks: ${f} has no violations`, axeDetails(r2));
      }
    }

    // -- keyboard: skip link first, visible when focused, moves focus to the main content
    const report = sample.report;
    await page.setViewportSize(PHONE);
    await page.goto(base + report, { waitUntil: 'load' });
    await page.keyboard.press('Tab');
    const skip = await focusStyle(page);
    check(skip.cls.includes('skip-link') && skip.visible && (skip.outline || skip.shadow),
      'keyboard: the first Tab shows the skip link with a visible focus ring', [JSON.stringify(skip)]);
    await shot('report-375-skip-link');
    await page.keyboard.press('Enter');
    const afterSkip = await page.evaluate(() => document.activeElement?.id ?? '');
    check(afterSkip === 'main', 'keyboard: the skip link moves focus to <main id="main">', [`focused: #${afterSkip}`]);
    // Tab onward to the first table region: it takes focus and shows it.
    let region = null;
    for (let i = 0; i < 60; i += 1) {
      await page.keyboard.press('Tab');
      const f = await focusStyle(page);
      // The first region that scrolls (主动公开 fits the phone and does not).
      const fits = await page.evaluate(() => document.activeElement.scrollWidth <= document.activeElement.clientWidth);
      if (String(f.cls).includes('table-scroll') && !fits) { region = f; break; }
    }
    check(region !== null && region.visible && (region.outline || region.shadow),
      'keyboard: Tab reaches the first table region and draws a visible focus ring', [JSON.stringify(region)]);
    if (region) {
      const before = await page.evaluate(() => document.activeElement.scrollLeft);
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('End');
      // Keyboard scrolling is animated: wait for it to move rather than reading at once.
      await page.waitForFunction((b) => document.activeElement.scrollLeft > b, before, { timeout: 5000 }).catch(() => {});
      const after = await page.evaluate(() => document.activeElement.scrollLeft);
      check(after > before, 'keyboard: arrow keys scroll the focused table region sideways', [`scrollLeft ${before} → ${after}`]);
      await shot('report-375-table-focus');
    }

    // -- large-text mode (适老化): a native checkbox, works without JavaScript
    const jsOff = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false, locale: 'zh-CN' });
    const p2 = await jsOff.newPage();
    await p2.goto(base + report, { waitUntil: 'load' });
    const toggle = p2.locator('#large-text');
    const hasToggle = (await toggle.count()) === 1;
    check(hasToggle, 'large text: the page has the 大字模式 toggle (#large-text)');
    if (hasToggle) {
      const size = () => p2.evaluate(() => parseFloat(getComputedStyle(document.querySelector('main p') ?? document.body).fontSize));
      const small = await size();
      await toggle.focus();
      await p2.keyboard.press('Space');
      const large = await size();
      check(large >= small * 1.2, 'large text: Space on the toggle enlarges body text by at least 1.2× with JavaScript off',
        [`font-size ${small}px → ${large}px`]);
      const l = await p2.evaluate(probeLayout);
      check(l.scrollWidth <= l.innerWidth, 'large text: phone 375px page still has no horizontal scroll',
        [`scrollWidth ${l.scrollWidth}, innerWidth ${l.innerWidth}`]);
      const p = path.join(ARTIFACTS, 'report-375-large-text.png');
      await p2.screenshot({ path: p, fullPage: true });
      shots.push(p);
      // axe needs script; check the same state with JavaScript on.
      await page.setViewportSize(PHONE);
      await page.goto(base + report, { waitUntil: 'load' });
      await page.locator('#large-text').check();
      const r = await axe(page);
      totals.axeViolations += r.violations.length;
      check(r.violations.length === 0, 'axe 375px large text: report has no violations', axeDetails(r));
    }
    await jsOff.close();

    // -- print: A4, without navigation, tables unclipped
    await page.setViewportSize(A4_TEXT);
    await page.goto(base + report, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      const hidden = (sel) => [...document.querySelectorAll(sel)].every((e) => getComputedStyle(e).display === 'none');
      // On paper a scroll box clips, and a table's collapsed outer border sticks out by
      // half its width: the table must end inside the text width, unclipped.
      const tables = [...document.querySelectorAll('.table-scroll')].map((el) => {
        const right = el.querySelector('table').getBoundingClientRect().right;
        const overflow = getComputedStyle(el).overflowX;
        return {
          id: el.querySelector('table')?.id, overflow, right,
          fits: overflow === 'visible' && right <= document.documentElement.clientWidth - 1,
        };
      });
      return { navHidden: hidden('.site-header nav') && hidden('.skip-link') && hidden('.site-tools'), tables };
    });
    check(printed.navHidden, 'print: navigation, skip link and the text-size toggle are not printed');
    check(printed.tables.every((t) => t.fits), 'print: every report table fits the A4 text width (nothing cut off)',
      printed.tables.filter((t) => !t.fits).map((t) => `${t.id}: overflow ${t.overflow}, right edge ${t.right} px of ${A4_TEXT.width}`));
    await shot('report-print-a4');
    const pdf = path.join(ARTIFACTS, 'report-a4.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
    shots.push(pdf);
    await page.emulateMedia({ media: 'screen' });

    check(fonts.length === 0, 'fonts: no web font is downloaded', fonts.slice(0, 5));
    // -- 站内搜索 (issue 20): Chinese queries typed into the field found by its role.
    if (byKind.other?.includes('search/index.html') || files.includes('search/index.html')) {
      await page.setViewportSize(DESKTOP);
      await page.goto(base + 'search/index.html', { waitUntil: 'load' });
      const box = page.getByRole('searchbox').or(page.getByRole('textbox')).first();
      const search = async (q) => {
        await box.fill('');
        await box.fill(q);
        await page.waitForTimeout(400);
        await page.waitForFunction(() => !document.querySelector('.pagefind-ui__loading'), null, { timeout: 10000 }).catch(() => {});
        await page.waitForTimeout(300);
        return page.evaluate(() => [...document.querySelectorAll('.pagefind-ui__result-link')].map((a) => a.getAttribute('href')));
      };
      const seed = (links) => links.some((h) => /2021\/pingan\//.test(h));
      for (const q of ['平安镇', '大洼要闻', '大洼要闻 基层动态']) {
        const links = await search(q);
        check(seed(links), `search: «${q}» finds the seed report`, [`${links.length} results: ${links.slice(0, 4).join(' ')}`]);
      }
      const all = await search('政府信息公开');
      const year = page.locator('.pagefind-ui__filter-name', { hasText: '年度' }).first();
      if (await year.count()) await year.click().catch(() => {});
      const opt = page.locator('.pagefind-ui__filter-checkbox[value="2021"]').first();
      let narrowed = [];
      if (await opt.count()) {
        await opt.evaluate((e) => e.click());
        await page.waitForTimeout(700);
        narrowed = await page.evaluate(() => [...document.querySelectorAll('.pagefind-ui__result-link')].map((a) => a.getAttribute('href')));
      }
      const count = await page.evaluate(() => document.querySelector('.pagefind-ui__message')?.textContent ?? '');
      check(narrowed.length > 0 && narrowed.every((h) => /\/2021\//.test(h)),
        'search: the 年度 filter narrows the results to that year', [`before ${all.length}, after ${narrowed.length}: ${count}`]);
      await shot('search-1280');
      const r = await axe(page);
      check(r.violations.length === 0, 'axe: the search page with results has no violations', axeDetails(r));
    } else {
      check(false, 'search: the build has a search page');
    }
    check(offsite.length === 0, 'network: every request stays on the site', offsite.slice(0, 5));
    check(errorsInConsole.length === 0, 'no script errors on any page', errorsInConsole.slice(0, 5));
    await context.close();

    console.log(`# pages checked: ${html.length} (${found}); axe violations: ${totals.axeViolations}; axe needs-review (not failures): ${totals.axeIncomplete}; vnu errors: ${totals.vnuErrors}; vnu warnings: ${totals.vnuWarnings}`);
    console.log(`# artifacts: ${shots.map((s) => path.relative(process.cwd(), s)).join(' ')}`);
  } finally {
    await browser.close();
    server.close();
  }
}

try {
  await main();
} catch (e) {
  check(false, `the suite could not run: ${e.message}`);
}
clearTimeout(watchdog);
console.log(`# took ${elapsed()} s`);
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
