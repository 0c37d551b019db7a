// The table editor of `nianbao serve`: live checks, spreadsheet keys, paste
// from Excel/WPS, and saving without leaving the page. Without this script
// the form still posts and the preview answers with the same checks.
(function () {
  'use strict';
  var form = document.getElementById('editor-form');
  if (!form || !window.fetch) return;
  var problems = document.getElementById('problems');
  var status = document.getElementById('editor-status');
  var pasteReport = document.getElementById('paste-report');
  var cells = Array.prototype.slice.call(form.querySelectorAll('input.cell'));
  var timer = null;
  var seq = 0;

  function body(action) {
    var data = new URLSearchParams(new FormData(form));
    if (action) data.set('_action', action);
    return data;
  }

  function post(url, action) {
    return fetch(url, {
      method: 'POST',
      headers: { 'X-Nianbao-Editor': '1', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body(action).toString(),
      credentials: 'same-origin'
    }).then(function (r) { return r.json().then(function (j) { j.httpStatus = r.status; return j; }); });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // Show a check result: the findings in the live region, the cells they
  // concern marked invalid and described by them, computed totals as hints.
  function show(res) {
    if (res.error) {
      problems.replaceChildren(el('p', null, res.error));
      return;
    }
    var list = el('ul');
    var byCell = {};
    (res.problems || []).forEach(function (p, i) {
      var id = 'problem-' + i;
      var li = el('li', p.severity, p.text);
      li.id = id;
      list.appendChild(li);
      (p.cells || []).forEach(function (c) { (byCell[c] = byCell[c] || []).push(id); });
    });
    (res.unreadable || []).forEach(function (u, i) {
      var id = 'unreadable-' + i;
      var li = el('li', 'error', '错误：「' + u.labels + '」里的「' + u.text + '」不是数字');
      li.id = id;
      list.appendChild(li);
      (byCell[u.field] = byCell[u.field] || []).push(id);
    });
    var summary = el('p', null, res.summary || '');
    summary.id = 'problems-summary';
    problems.replaceChildren(summary);
    if (list.childNodes.length) problems.appendChild(list);
    var computed = res.computed || {};
    cells.forEach(function (input) {
      var ids = byCell[input.name];
      if (ids) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', ids.join(' '));
      } else {
        input.removeAttribute('aria-invalid');
        input.removeAttribute('aria-describedby');
      }
      if (computed[input.name] != null) {
        input.placeholder = computed[input.name];
        input.title = '留空：按勾稽关系计算为 ' + computed[input.name];
      } else {
        input.removeAttribute('placeholder');
        input.removeAttribute('title');
      }
    });
  }

  function check() {
    var mine = ++seq;
    post(form.dataset.check).then(function (res) {
      if (mine === seq) show(res);
    }).catch(function () {});
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(check, 120);
  }

  form.addEventListener('input', soon);
  form.addEventListener('change', soon);

  form.addEventListener('submit', function (ev) {
    var action = ev.submitter && ev.submitter.value;
    ev.preventDefault();
    if (action === 'check') { check(); return; }
    status.className = '';
    status.textContent = '正在保存……';
    post(form.action, 'save').then(function (res) {
      if (res.version) form.elements._base.value = res.version;
      if (res.problems) show(res);
      var s = res.saved || {};
      status.textContent = s.text || res.error || '';
      status.className = s.ok ? 'ok' : 'bad';
      if (res.location && s.ok) {
        history.replaceState(null, '', res.location);
        form.action = res.location;
        form.dataset.check = res.location + 'check';
      }
    }).catch(function () {
      status.className = 'bad';
      status.textContent = '没有保存：无法连接预览服务（nianbao serve 是否还在运行？）。表单里的修改仍在本页。';
    });
  });

  // Spreadsheet keys: Enter moves to the same column of the next row.
  function below(input, steps) {
    var parts = input.name.split('.');
    var table = parts[0], col = parts[parts.length - 1];
    var i = cells.indexOf(input);
    var found = input;
    for (var s = 0; s < steps; s++) {
      var next = null;
      for (var j = i + 1; j < cells.length; j++) {
        var p = cells[j].name.split('.');
        if (p[0] !== table) break;
        if (p[p.length - 1] === col && cells[j].closest('tr') !== found.closest('tr')) { next = cells[j]; break; }
      }
      if (!next) return null;
      found = next;
      i = j;
    }
    return found;
  }

  form.addEventListener('keydown', function (ev) {
    var t = ev.target;
    if (ev.key !== 'Enter' || !t.classList || !t.classList.contains('cell')) return;
    ev.preventDefault();
    var next = ev.shiftKey ? null : below(t, 1);
    if (next) { next.focus(); next.select(); }
  });

  // What a clerk pastes: full-width digits, thousands separators, a trailing 件.
  function normalise(raw) {
    var s = String(raw).trim().replace(/[０-９]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/[．。]/g, '.').replace(/[,，\s\u3000']/g, '').replace(/(件|个|万元)$/, '');
    if (s === '' || s === '~') return '';
    return /^-?\d+(\.\d+)?$/.test(s) ? s : null;
  }

  form.addEventListener('paste', function (ev) {
    var start = ev.target;
    if (!start.classList || !start.classList.contains('cell')) return;
    var text = (ev.clipboardData || window.clipboardData).getData('text');
    if (!/[\t\n]/.test(text.replace(/\r?\n$/, ''))) {
      var one = normalise(text);
      if (one !== null && one !== text) { ev.preventDefault(); start.value = one; soon(); }
      return;
    }
    ev.preventDefault();
    var rows = text.replace(/\r/g, '').replace(/\n$/, '').split('\n');
    var filled = 0, skipped = [];
    rows.forEach(function (line, r) {
      var first = below(start, r);
      if (!first) { if (line.trim()) skipped.push('第 ' + (r + 1) + ' 行（表格没有更多行）'); return; }
      var rowCells = Array.prototype.slice.call(first.closest('tr').querySelectorAll('input.cell'));
      var from = rowCells.indexOf(first);
      line.split('\t').forEach(function (raw, c) {
        var input = rowCells[from + c];
        if (!input) { if (raw.trim()) skipped.push('第 ' + (r + 1) + ' 行第 ' + (c + 1) + ' 个「' + raw + '」（超出表格）'); return; }
        var v = normalise(raw);
        if (v === null) { skipped.push(input.getAttribute('aria-label') + '：「' + raw + '」不是数字'); return; }
        input.value = v;
        filled++;
      });
    });
    pasteReport.textContent = '已粘贴 ' + filled + ' 格。' + (skipped.length ? '未填入：' + skipped.join('；') + '。' : '');
    soon();
  });
})();
