/* Fleet diff (/api/v1/fleet/diff): the ranked per-host table; a click on a host shows its deviations (extra:
   the host did it and the canary did not; missing: the canary did it and the host did not; changed). */
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  const fields = ['canary', 'production', 'command', 'window'];
  fields.forEach(function (name) { document.getElementById(name).value = params.get(name) || ''; });
  const body = document.querySelector('#hosts tbody');
  let answer = null;

  function showHost(row) {
    document.querySelectorAll('#hosts tr.selected').forEach(function (tr) { tr.classList.remove('selected'); });
    const tr = body.querySelector('tr[data-host="' + CSS.escape(row.host) + '"]');
    if (tr) { tr.classList.add('selected'); }
    document.getElementById('host-detail').hidden = false;
    document.getElementById('detail-title').textContent = row.host + ': ' + (row.note || (row.deviations + (row.deviations === 1 ? ' deviation' : ' deviations')));
    const list = document.getElementById('detail-list');
    list.replaceChildren();
    (row.detail || []).forEach(function (d) {
      const kind = d.status === 'only_production' ? 'extra' : d.status === 'only_canary' ? 'missing' : 'changed';
      const li = cg.el('li', null, 'deviation ' + kind);
      li.append(cg.el('span', kind === 'extra' ? '+ extra ' : kind === 'missing' ? '− missing ' : '~ changed ', 'what'),
        cg.el('span', d.text));
      list.append(li);
    });
  }

  function render() {
    const canary = answer.canary;
    document.getElementById('canary-line').textContent = 'canary ' + canary.host + '/' + canary.id + ' · '
      + (canary.command || []).join(' ') + ' · started ' + cg.time(canary.started)
      + ' · deviating: ' + ((answer.deviating || []).join(', ') || 'none');
    body.replaceChildren();
    (answer.hosts || []).forEach(function (row, i) {
      const tr = document.createElement('tr');
      tr.dataset.host = row.host;
      if (row.note || row.deviations > 0) { tr.className = 'deviates'; }
      const hostLink = cg.el('a', row.host);
      hostLink.href = '#' + encodeURIComponent(row.host);
      hostLink.addEventListener('click', function (e) { e.preventDefault(); showHost(row); });
      const hostCell = document.createElement('td');
      hostCell.append(hostLink);
      const graphs = document.createElement('td');
      if (row.session) {
        const link = cg.el('a', 'union graph');
        link.href = '/graph.html?canary=' + encodeURIComponent(canary.id) + '&production=' + encodeURIComponent(row.session);
        graphs.append(link);
      }
      tr.append(cg.el('td', i + 1, 'num'), hostCell, cg.el('td', row.session || '—'),
        cg.el('td', row.note ? '?' : row.deviations, 'num'), cg.el('td', (row.extra || []).length, 'num'),
        cg.el('td', (row.missing || []).length, 'num'), cg.el('td', (row.changed || []).length, 'num'),
        cg.el('td', row.note || ''), graphs);
      body.append(tr);
    });
    const wanted = decodeURIComponent(location.hash.substring(1));
    const first = (answer.hosts || []).find(function (row) { return row.host === wanted; }) || (answer.hosts || [])[0];
    if (first) { showHost(first); }
  }

  async function load() {
    const q = new URLSearchParams();
    fields.forEach(function (name) {
      const value = document.getElementById(name).value.trim();
      if (value) { q.set(name, value); }
    });
    const error = document.getElementById('error');
    if (!q.get('canary')) {
      error.textContent = 'Give the canary as HOST/SESSION (the fleet list links "as canary").';
      error.hidden = false;
      return;
    }
    history.replaceState(null, '', '/fleet-diff.html?' + q + location.hash);
    try {
      answer = await (await cg.getJson('/api/v1/fleet/diff?' + q)).json();
      error.hidden = true;
      render();
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
  }

  document.getElementById('diff-query').addEventListener('submit', function (e) { e.preventDefault(); load(); });
  if (params.get('canary')) { load(); }
}());
