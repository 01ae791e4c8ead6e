/* The sessions list: sortable, filterable, refreshed every 2 s; live sessions marked. */
'use strict';

/* On the fleet hub the list is the fleet's (fleet.html). */
cg.getJson('/api/info').then(function (r) { return r.json(); })
  .then(function (info) { if (info.fleet) { location.replace('/fleet.html'); } }, function () { /* reported below */ });

(function () {
  const REFRESH_MS = 2000;
  const state = {rows: [], sortKey: 'started', descending: true, canary: null, production: null};
  const body = document.querySelector('#sessions tbody');
  const filter = document.getElementById('filter');
  const liveOnly = document.getElementById('live-only');

  function value(row, key) {
    return key.split('.').reduce(function (v, k) { return v === null || v === undefined ? v : v[k]; }, row);
  }

  function compare(a, b) {
    let x = value(a, state.sortKey), y = value(b, state.sortKey);
    if (Array.isArray(x)) { x = x.join(' '); y = (y || []).join(' '); }
    if (x === y) { return 0; }
    if (x === null || x === undefined) { return 1; }
    if (y === null || y === undefined) { return -1; }
    const order = x < y ? -1 : 1;
    return state.descending ? -order : order;
  }

  function matches(row, text) {
    if (liveOnly.checked && !row.live) { return false; }
    if (!text) { return true; }
    const haystack = [row.id, row.host, row.user, row.client, row.client_display, row.file, (row.command || []).join(' ')]
      .join(' ').toLowerCase();
    return text.toLowerCase().split(/\s+/).every(function (word) { return haystack.includes(word); });
  }

  function diffChoice(row, role) {
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = role;
    input.title = role;
    input.checked = state[role] === row.id;
    input.addEventListener('change', function () { state[role] = row.id; updateDiffButton(); });
    const label = cg.el('label', null, 'diff-choice');
    label.append(input, document.createTextNode(role === 'canary' ? 'canary' : 'prod'));
    return label;
  }

  function render() {
    const rows = state.rows.filter(function (row) { return matches(row, filter.value.trim()); }).sort(compare);
    body.replaceChildren();
    rows.forEach(function (row) {
      const tr = document.createElement('tr');
      tr.dataset.id = row.id;
      if (row.live) { tr.className = 'live'; }
      // "● live" while the user is there; a shell that exited but left processes running says so
      const text = row.state_text || (row.live ? 'live' : '');
      const liveCell = cg.el('td', text === 'live' ? '● live' : (text === 'ended' ? '' : text),
        text === 'live' ? 'badge-live' : 'state-text');
      const link = cg.el('a', row.host || row.id);
      link.href = '/graph.html?session=' + encodeURIComponent(row.id);
      const hostCell = document.createElement('td');
      hostCell.append(link);
      const alerts = row.alerts || {};
      const cells = [liveCell, hostCell, cg.el('td', row.user), cg.el('td', row.client_display || row.client || '—'),
        cg.el('td', cg.time(row.started)), cg.el('td', cg.duration(row.duration_seconds)),
        cg.el('td', (row.command || []).join(' '), 'command'),
        cg.el('td', row.events, 'num'), cg.el('td', row.drops, 'num' + (row.drops ? ' warn' : '')),
        cg.el('td', alerts.critical || 0, 'num' + (alerts.critical ? ' sev-critical' : '')),
        cg.el('td', alerts.warning || 0, 'num' + (alerts.warning ? ' sev-warning' : '')),
        cg.el('td', alerts.info || 0, 'num'), cg.el('td', row.nodes, 'num')];
      const diffCell = document.createElement('td');
      diffCell.append(diffChoice(row, 'canary'), diffChoice(row, 'production'));
      cells.push(diffCell);
      tr.append.apply(tr, cells);
      body.append(tr);
    });
    document.getElementById('count').textContent = rows.length + ' of ' + state.rows.length + ' sessions';
    document.getElementById('empty').hidden = state.rows.length > 0;
    document.querySelectorAll('#sessions th[data-key]').forEach(function (th) {
      th.classList.toggle('sorted-asc', th.dataset.key === state.sortKey && !state.descending);
      th.classList.toggle('sorted-desc', th.dataset.key === state.sortKey && state.descending);
    });
  }

  function updateDiffButton() {
    const button = document.getElementById('open-diff');
    button.disabled = !(state.canary && state.production && state.canary !== state.production);
  }

  async function refresh() {
    try {
      state.rows = await (await cg.getJson('/api/sessions')).json();
      render();
      window.cgSessionsReady = true;
    } catch (error) {
      document.getElementById('count').textContent = 'cannot load sessions: ' + error.message;
    }
  }

  document.querySelectorAll('#sessions th[data-key]').forEach(function (th) {
    th.addEventListener('click', function () {
      if (state.sortKey === th.dataset.key) {
        state.descending = !state.descending;
      } else {
        state.sortKey = th.dataset.key;
        state.descending = false;
      }
      render();
    });
  });
  filter.addEventListener('input', render);
  liveOnly.addEventListener('change', render);
  document.getElementById('open-diff').addEventListener('click', function () {
    location.href = '/graph.html?canary=' + encodeURIComponent(state.canary)
      + '&production=' + encodeURIComponent(state.production);
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
