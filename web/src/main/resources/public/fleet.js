/* The fleet's sessions from the hub (/api/v1/fleet/sessions): a host column and a host filter (a glob, kept in
   the address as ?host=, so /fleet.html?host=web-1 is that host's page), refreshed every 5 s. */
'use strict';

(function () {
  const REFRESH_MS = 5000;
  const params = new URLSearchParams(location.search);
  const hostInput = document.getElementById('host-filter');
  const commandInput = document.getElementById('command-filter');
  const since = document.getElementById('since');
  const body = document.querySelector('#sessions tbody');
  hostInput.value = params.get('host') || '';
  commandInput.value = params.get('command') || '';
  since.value = params.get('since') || '';

  function query() {
    const q = new URLSearchParams();
    if (hostInput.value.trim()) { q.set('host', hostInput.value.trim()); }
    if (commandInput.value.trim()) { q.set('command', commandInput.value.trim()); }
    if (since.value) { q.set('since', since.value); }
    return q;
  }

  function hostLink(host) {
    const link = cg.el('a', host);
    link.href = '/fleet.html?host=' + encodeURIComponent(host);
    link.className = 'host-link';
    return link;
  }

  function cell(text, className) { return cg.el('td', text, className); }

  function render(sessions) {
    body.replaceChildren();
    sessions.forEach(function (s) {
      const tr = document.createElement('tr');
      tr.dataset.host = s.host;
      tr.dataset.id = s.id;
      if (s.state === 'live') { tr.className = 'live'; }
      const hostCell = document.createElement('td');
      hostCell.append(hostLink(s.host));
      const open = cg.el('a', s.id);
      open.href = '/graph.html?session=' + encodeURIComponent(s.id);
      const idCell = document.createElement('td');
      idCell.append(open);
      const alerts = s.alerts || {};
      const canary = cg.el('a', 'as canary');
      canary.href = '/fleet-diff.html?canary=' + encodeURIComponent(s.host + '/' + s.id);
      const compare = document.createElement('td');
      compare.append(canary);
      tr.append(hostCell, idCell, cell(s.user), cell(cg.time(s.started)),
        cell(s.state === 'live' ? '● live' : s.state, s.state === 'live' ? 'badge-live' : ''),
        cell((s.command || []).join(' '), 'command'), cell(s.events, 'num'),
        cell(alerts.critical || 0, 'num' + (alerts.critical ? ' sev-critical' : '')),
        cell(alerts.warning || 0, 'num' + (alerts.warning ? ' sev-warning' : '')), cell(alerts.info || 0, 'num'),
        cell(s.behaviours, 'num'), compare);
      body.append(tr);
    });
    document.getElementById('empty').hidden = sessions.length > 0;
    document.getElementById('count').textContent = sessions.length + (sessions.length === 1 ? ' session' : ' sessions');
  }

  let timer = null;
  async function load() {
    clearTimeout(timer);
    const q = query();
    const error = document.getElementById('error');
    try {
      const answer = await (await cg.getJson('/api/v1/fleet/sessions?' + q)).json();
      error.hidden = true;
      render(answer.sessions || []);
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
    const host = hostInput.value.trim();
    document.getElementById('subtitle').textContent = host && !/[*?]/.test(host) ? 'host ' + host
      : (host ? 'hosts ' + host : "every host's sessions");
    history.replaceState(null, '', '/fleet.html' + (q.toString() ? '?' + q : ''));
    timer = setTimeout(load, REFRESH_MS);
  }

  let typing = null;
  [hostInput, commandInput].forEach(function (input) {
    input.addEventListener('input', function () { clearTimeout(typing); typing = setTimeout(load, 300); });
  });
  since.addEventListener('change', load);
  load();
}());
