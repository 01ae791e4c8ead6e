/*
 * One session's change-impact graph (or the union graph of a diff), drawn with Cytoscape.js.
 * Data in, style by selectors on data (node[kind="file"], edge[failed="yes"]), nothing hand-drawn.
 * URL: /graph.html?session=ID  or  /graph.html?canary=ID&production=ID  (optional &fanout=N)
 * Test hooks: window.cy, window.cgReady (true once laid out and drawn), window.cgReadyAt (ms since navigation
 * start when that happened), window.cgVersion.
 */
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  const sessionId = params.get('session');
  const diff = params.get('canary') && params.get('production')
    ? {canary: params.get('canary'), production: params.get('production')} : null;
  const FANOUT = Math.max(1, parseInt(params.get('fanout') || '50', 10) || 50);
  const LARGE = 2000;
  const COLOURS = {
    process: '#f28e2b', file: '#9467bd', remote: '#1f77b4', module: '#7f7f7f', group: '#c5b0d5',
    alert: '#d62728', only_canary: '#2ca02c', only_production: '#d62728', changed: '#ff7f0e', same: '#d0d0d0'
  };
  const apiGraph = diff
    ? '/api/diff?canary=' + encodeURIComponent(diff.canary) + '&production=' + encodeURIComponent(diff.production)
    : '/api/sessions/' + encodeURIComponent(sessionId || '') + '/graph';

  const timings = window.cgTimings = [];
  function mark(step) { timings.push([step, Math.round(performance.now())]); }
  let large = false;  // more than LARGE elements: cheaper edge drawing
  const state = {doc: null, version: 0, expanded: new Set(), alertsByNode: {}, alertsByEdge: {}, fitted: false};

  function style() {
    const s = [
      {selector: 'node', style: {
        'label': 'data(label)', 'font-size': 11, 'text-valign': 'center', 'text-halign': 'center',
        'text-wrap': 'ellipsis', 'text-max-width': 150, 'width': 150, 'height': 28, 'color': '#fff',
        'text-outline-width': 0, 'min-zoomed-font-size': 6, 'border-width': 1, 'border-color': '#555'}},
      {selector: 'node[kind="process"]', style: {'shape': 'round-rectangle', 'background-color': COLOURS.process}},
      {selector: 'node[kind="file"]', style: {'shape': 'rectangle', 'background-color': COLOURS.file}},
      {selector: 'node[kind="remote"]', style: {'shape': 'diamond', 'background-color': COLOURS.remote,
        'width': 150, 'height': 36}},
      {selector: 'node[kind="module"]', style: {'shape': 'hexagon', 'background-color': COLOURS.module}},
      {selector: 'node[kind="group"]', style: {'shape': 'barrel', 'background-color': COLOURS.group,
        'color': '#222', 'border-style': 'dashed', 'border-color': COLOURS.file, 'border-width': 2}},
      {selector: 'node[?alert]', style: {'background-color': COLOURS.alert, 'border-width': 3,
        'border-color': '#7f0000'}},
      {selector: 'edge', style: {
        'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'width': 1.5, 'line-color': '#999',
        'target-arrow-color': '#999', 'label': 'data(label)', 'font-size': 9, 'color': '#333',
        'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.8,
        'text-background-padding': 1, 'min-zoomed-font-size': 7}},
      {selector: 'edge[failed="yes"]', style: {'line-style': 'dashed'}},
      {selector: 'edge[verb="spawn"]', style: {'width': 2.5, 'line-color': '#b86b1e',
        'target-arrow-color': '#b86b1e'}},
      {selector: 'edge[?alert]', style: {'line-color': COLOURS.alert, 'target-arrow-color': COLOURS.alert,
        'width': 3, 'color': COLOURS.alert}},
      {selector: '.faded', style: {'opacity': 0.15}},
      {selector: '.match', style: {'border-width': 4, 'border-color': '#ffd400'}},
      {selector: '.hidden', style: {'display': 'none'}},
      {selector: ':selected', style: {'border-width': 4, 'border-color': '#000', 'line-color': '#000',
        'target-arrow-color': '#000'}}
    ];
    if (large) {
      // thousands of elements: straight edges without arrows, and labels only on the elements in view once
      // zoomed in (measuring 10,000 labels up front costs seconds); see labelInView
      s.splice(s.findIndex(function (rule) { return rule.selector === '.faded'; }), 0,
        {selector: 'edge', style: {'curve-style': 'haystack', 'haystack-radius': 0, 'label': ''}},
        {selector: 'edge.labelled', style: {'label': 'data(label)'}},
        {selector: 'node', style: {'label': '', 'text-wrap': 'none'}},
        {selector: 'node.labelled', style: {'label': 'data(label)'}});
    }
    if (diff) {
      ['only_canary', 'only_production', 'changed', 'same'].forEach(function (status) {
        s.push({selector: 'node[status="' + status + '"]', style: {'background-color': COLOURS[status],
          'color': status === 'same' ? '#333' : '#fff'}});
        s.push({selector: 'edge[status="' + status + '"]', style: {'line-color': COLOURS[status],
          'target-arrow-color': COLOURS[status]}});
      });
      // an alert stays red over its diff status
      s.push(s.find(function (rule) { return rule.selector === 'node[?alert]'; }),
        s.find(function (rule) { return rule.selector === 'edge[?alert]'; }));
    }
    return s;
  }

  const cy = window.cy = cytoscape({
    container: document.getElementById('cy'), style: style(), minZoom: 0.02, maxZoom: 4,
    wheelSensitivity: 0.3, textureOnViewport: true, hideEdgesOnViewport: true, motionBlur: false,
    boxSelectionEnabled: false
  });

  /* ---------- model → elements ---------- */

  function edgeKey(edge) { return edge.source + '|' + edge.verb + '|' + edge.target; }

  function nodeLabel(node) {
    switch (node.kind) {
      case 'process': return cg.basename(node.exe) + ' [' + node.pid + ']';
      // with its directory's name: a process opens many LC_CTYPEs and config.jsons in different places
      case 'file': return (cg.dirname(node.path) === '/' ? '' : cg.basename(cg.dirname(node.path))) + '/'
        + cg.basename(node.path);
      case 'remote': return node.family === 'unix' ? node.address
        : (node.family === 'ipv6' ? '[' + node.address + ']' : node.address) + ':' + node.port;
      case 'module': return node.name;
      default: return node.id;
    }
  }

  function indexAlerts(alerts) {
    state.alertsByNode = {};
    state.alertsByEdge = {};
    (alerts || []).forEach(function (alert) {
      if (alert.edge_source && alert.edge_verb && alert.edge_target) {
        const key = alert.edge_source + '|' + alert.edge_verb + '|' + alert.edge_target;
        (state.alertsByEdge[key] = state.alertsByEdge[key] || []).push(alert);
      } else if (alert.node) {
        (state.alertsByNode[alert.node] = state.alertsByNode[alert.node] || []).push(alert);
      }
    });
  }

  /**
   * High fan-out: a process with more than FANOUT file neighbours shows the files only it touches (and that
   * carry no alert) as one group node per directory. Expanded groups (clicked) show their files again.
   */
  function groupsOf(doc, soleSource) {
    const filesOf = {};
    doc.edges.forEach(function (edge) {
      const target = state.nodes[edge.target];
      if (target && target.kind === 'file') {
        (filesOf[edge.source] = filesOf[edge.source] || new Set()).add(edge.target);
      }
    });
    const groupOf = {};
    const groups = {};
    Object.keys(filesOf).forEach(function (processId) {
      const files = filesOf[processId];
      if (files.size <= FANOUT) { return; }
      files.forEach(function (fileId) {
        if (soleSource[fileId] !== processId || state.alertsByNode[fileId]) { return; }
        const dir = cg.dirname(state.nodes[fileId].path);
        const id = 'group:' + processId + ':' + dir;
        if (state.expanded.has(id)) { return; }
        const group = groups[id] = groups[id] || {id: id, process: processId, dir: dir, members: []};
        group.members.push(fileId);
        groupOf[fileId] = id;
      });
    });
    // a group of one is no grouping
    Object.keys(groups).forEach(function (id) {
      if (groups[id].members.length < 2) {
        delete groupOf[groups[id].members[0]];
        delete groups[id];
      }
    });
    return {groupOf: groupOf, groups: groups};
  }

  function elements(doc) {
    state.nodes = {};
    doc.nodes.forEach(function (node) { state.nodes[node.id] = node; });
    indexAlerts(doc.alerts);
    // the one process acting on a node, or null when several do (or the node acts itself)
    const soleSource = {};
    doc.edges.forEach(function (edge) {
      const known = soleSource[edge.target];
      soleSource[edge.target] = known === undefined || known === edge.source ? edge.source : null;
      soleSource[edge.source] = null;
    });
    const grouping = groupsOf(doc, soleSource);
    const out = [];
    doc.nodes.forEach(function (node) {
      if (grouping.groupOf[node.id]) { return; }
      const alerts = state.alertsByNode[node.id];
      out.push({group: 'nodes', data: {id: node.id, kind: node.kind, label: nodeLabel(node), raw: node,
        alert: !!alerts, status: node.status}});
    });
    Object.keys(grouping.groups).forEach(function (id) {
      const group = grouping.groups[id];
      out.push({group: 'nodes', data: {id: id, kind: 'group', label: group.dir + '/ (' + group.members.length + ' files)',
        raw: group, alert: false}});
    });
    // one drawn edge per (source, target), its verbs side by side: "open, read ×3, write ×2"
    const pairs = {};
    state.drawnEdge = {};
    doc.edges.forEach(function (edge) {
      const target = grouping.groupOf[edge.target] || edge.target;
      const id = edge.source + '->' + target;
      const pair = pairs[id] = pairs[id] || {id: id, source: edge.source, target: target, byVerb: {}};
      const v = pair.byVerb[edge.verb] = pair.byVerb[edge.verb]
        || {verb: edge.verb, count: 0, bytes: 0, failed: 0, edges: []};
      v.count += edge.count; v.bytes += edge.bytes; v.failed += edge.failed; v.edges.push(edge);
      state.drawnEdge[edgeKey(edge)] = id;
    });
    Object.keys(pairs).forEach(function (id) {
      const pair = pairs[id];
      const verbs = Object.values(pair.byVerb).sort(function (a, b) { return a.verb.localeCompare(b.verb); });
      const grouped = !!grouping.groups[pair.target];
      const parts = verbs.map(function (v) {
        return v.verb + (v.count > 1 ? ' ×' + v.count : '') + (v.failed ? ' (' + v.failed + ' failed)' : '')
          + (grouped ? ' (' + v.edges.length + ' files)' : '');
      });
      const edges = [].concat.apply([], verbs.map(function (v) { return v.edges; }));
      const statuses = new Set(edges.map(function (e) { return e.status; }));
      out.push({group: 'edges', data: {id: id, source: pair.source, target: pair.target,
        verb: pair.byVerb.spawn ? 'spawn' : verbs[0].verb,
        verbs: ' ' + verbs.map(function (v) { return v.verb; }).join(' ') + ' ',
        label: parts.length > 3 ? parts.slice(0, 3).join(', ') + ', +' + (parts.length - 3) + ' more' : parts.join(', '),
        failed: verbs.some(function (v) { return v.failed > 0; }) ? 'yes' : 'no',
        alert: edges.some(function (e) { return !!state.alertsByEdge[edgeKey(e)]; }),
        status: statuses.size === 1 ? edges[0].status : 'changed', raw: {verbs: verbs, grouped: grouped}}});
    });
    return out;
  }

  /* ---------- drawing ---------- */

  let layoutName = 'tree';

  async function positions(els) {
    if (layoutName === 'dagre') {
      if (!window.dagre) { await loadScript('/webjars/dagre/0.8.4/dist/dagre.min.js'); }
      return cgLayout.dagre(els);
    }
    return cgLayout.tree(els);
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error('cannot load ' + src)); };
      document.head.appendChild(script);
    });
  }

  /**
   * Fits the view to the laid-out positions. Same result as cy.fit() but without measuring every label
   * for bounding boxes, which takes seconds on 5,000 nodes.
   */
  function fitPositions(els) {
    let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    els.forEach(function (e) {
      if (e.position) {
        x1 = Math.min(x1, e.position.x - 80); x2 = Math.max(x2, e.position.x + 80);
        y1 = Math.min(y1, e.position.y - 20); y2 = Math.max(y2, e.position.y + 20);
      }
    });
    if (x1 === Infinity) { return; }
    const padding = 30;
    const zoom = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), 1.5,
      (cy.width() - 2 * padding) / (x2 - x1), (cy.height() - 2 * padding) / (y2 - y1)));
    cy.viewport({zoom: zoom, pan: {x: (cy.width() - zoom * (x1 + x2)) / 2, y: (cy.height() - zoom * (y1 + y2)) / 2}});
  }

  /** Rebuilds the drawing from state.doc; positions come with the elements (cose alone runs afterwards). */
  async function draw(fit) {
    const selected = cy.$(':selected').map(function (e) { return e.id(); });
    mark('draw');
    const els = elements(state.doc);
    mark('elements');
    if (layoutName !== 'cose') {
      const pos = await positions(els);
      els.forEach(function (e) { if (e.group === 'nodes') { e.position = pos[e.data.id]; } });
      mark('layout');
    }
    const isLarge = els.length > LARGE;
    if (isLarge !== large) {
      large = isLarge;
      cy.style(style());
    }
    cy.batch(function () {
      cy.elements().remove();
      cy.add(els);
    });
    mark('added');
    if (layoutName === 'cose') {
      const layout = cy.layout({name: 'cose', animate: false, fit: fit, randomize: false, numIter: 500});
      const done = new Promise(function (resolve) { layout.one('layoutstop', resolve); });
      layout.run();
      await done;
    } else if (fit) {
      fitPositions(els);
    }
    mark('fitted');
    selected.forEach(function (id) { cy.getElementById(id).select(); });
    applyFilters();
    header();
    listAlerts();
    fillVerbs();
    labelInView();
    mark('drawn');
  }

  function ready() {
    requestAnimationFrame(function () {
      mark('frame');
      requestAnimationFrame(function () {
        window.cgVersion = state.version;
        window.cgReadyAt = performance.now();
        window.cgReady = true;
      });
    });
  }

  /* ---------- header, legend, alerts ---------- */

  function header() {
    const s = state.doc.session;
    document.title = 'changegraph — ' + (diff ? 'diff' : s.host + ' ' + s.id);
    const title = document.getElementById('title');
    if (diff) {
      const d = state.doc.diff;
      title.textContent = 'diff: canary ' + d.canary + ' vs production ' + d.production;
    } else {
      title.textContent = (s.user || '?') + '@' + (s.host || '?') + ' — ' + (s.command || []).join(' ') + ' — '
        + cg.time(s.started);
    }
    document.getElementById('live-badge').hidden = diff || s.ended !== null;
    const st = state.doc.stats;
    const kinds = {};
    state.doc.nodes.forEach(function (n) { kinds[n.kind] = (kinds[n.kind] || 0) + 1; });
    document.getElementById('stats').textContent = state.doc.nodes.length + ' nodes (' + Object.keys(kinds).sort()
      .map(function (k) { return kinds[k] + ' ' + k; }).join(', ') + '), ' + state.doc.edges.length + ' edges, '
      + st.events + ' events, ' + (st.lost_kernel + st.dropped_user) + ' dropped';
    const legend = document.getElementById('legend');
    legend.replaceChildren();
    const entries = diff
      ? [['only canary', 'only_canary'], ['only production', 'only_production'], ['changed', 'changed'], ['same', 'same']]
      : [['process', 'process'], ['file', 'file'], ['remote', 'remote'], ['alert', 'alert']];
    entries.forEach(function (entry) {
      const item = cg.el('span', entry[0], 'legend-item legend-' + entry[1]);
      legend.append(item);
    });
  }

  function listAlerts() {
    const section = document.getElementById('alerts');
    section.replaceChildren();
    const alerts = state.doc.alerts || [];
    section.append(cg.el('h3', 'Alerts (' + alerts.length + ')'));
    const list = document.createElement('ul');
    alerts.forEach(function (alert) {
      const item = cg.el('li', null, 'sev-' + alert.severity);
      item.append(cg.el('strong', alert.severity + ' ' + alert.rule_id), document.createTextNode(': ' + alert.description));
      item.addEventListener('click', function () {
        const id = alert.edge_source ? state.drawnEdge[alert.edge_source + '|' + alert.edge_verb + '|' + alert.edge_target]
          : alert.node;
        const element = cy.getElementById(id);
        if (element.nonempty()) {
          cy.$(':selected').unselect();
          element.select();
          cy.animate({center: {eles: element}, zoom: Math.max(cy.zoom(), 0.8)}, {duration: 300});
          showDetails(element);
        }
      });
      list.append(item);
    });
    section.append(list);
  }

  /* ---------- attributes panel ---------- */

  function row(table, name, value) {
    if (value === null || value === undefined || value === '') { return; }
    const tr = document.createElement('tr');
    tr.append(cg.el('th', name), cg.el('td', Array.isArray(value) ? value.join(' ') : value));
    table.append(tr);
  }

  function showDetails(element) {
    const details = document.getElementById('details');
    details.replaceChildren();
    const data = element.data();
    const raw = data.raw || {};
    const table = document.createElement('table');
    table.className = 'attributes';
    if (element.isNode()) {
      details.append(cg.el('h3', data.kind + ': ' + data.label));
      row(table, 'status', raw.status);
      row(table, 'why', raw.reason);
      if (data.kind === 'process') {
        ['pid', 'ppid', 'exe', 'argv', 'cwd', 'uid', 'euid', 'exit_code', 'exit_signal', 'started', 'ended', 'followed']
          .forEach(function (k) { row(table, k, raw[k]); });
        row(table, 'edges out', summary(element.outgoers('edge')));
      } else if (data.kind === 'file') {
        row(table, 'path', raw.path);
        row(table, 'path history', (raw.paths || []).join(' → '));
        row(table, 'inode', raw.inode);
        row(table, 'resolved', raw.resolved);
        row(table, 'replaced', raw.replaced);
        row(table, 'touched by', summary(element.incomers('edge')));
      } else if (data.kind === 'remote') {
        ['family', 'address', 'port'].forEach(function (k) { row(table, k, raw[k]); });
        const edges = element.incomers('edge');
        const totals = verbTotals(edges);
        row(table, 'bytes', Object.values(totals).reduce(function (sum, t) { return sum + t.bytes; }, 0));
        row(table, 'connection failures', totals.connect ? totals.connect.failed : 0);
        row(table, 'edges', summary(edges));
      } else if (data.kind === 'group') {
        row(table, 'directory', raw.dir);
        row(table, 'files', raw.members.length);
        const expand = cg.el('button', 'expand ' + raw.members.length + ' files');
        expand.type = 'button';
        expand.id = 'expand-group';
        expand.addEventListener('click', function () { expandGroup(data.id); });
        details.append(expand);
        const list = cg.el('ul', null, 'members');
        raw.members.slice(0, 200).forEach(function (id) { list.append(cg.el('li', state.nodes[id].path)); });
        if (raw.members.length > 200) { list.append(cg.el('li', '… ' + (raw.members.length - 200) + ' more')); }
        details.append(table, list);
        return;
      } else {
        Object.keys(raw).forEach(function (k) { row(table, k, raw[k]); });
      }
      row(table, 'id', data.id);
      details.append(table);
      alertList(details, state.alertsByNode[data.id]);
    } else {
      details.append(cg.el('h3', element.source().data('label') + ' → ' + element.target().data('label')));
      raw.verbs.forEach(function (v) {
        const table = document.createElement('table');
        table.className = 'attributes';
        details.append(cg.el('h4', v.verb));
        if (raw.grouped) {
          row(table, 'files', v.edges.length);
          ['count', 'bytes', 'failed'].forEach(function (k) { row(table, k, v[k]); });
        } else {
          const edge = v.edges[0];
          ['status', 'reason', 'count', 'bytes', 'failed', 'first', 'last', 'details'].forEach(function (k) {
            row(table, k === 'reason' ? 'why' : k, edge[k]);
          });
        }
        details.append(table);
        v.edges.forEach(function (edge) { alertList(details, state.alertsByEdge[edgeKey(edge)]); });
      });
    }
  }

  /** Verb totals over drawn edges: {verb: {edges, count, bytes, failed}}. */
  function verbTotals(edges) {
    const totals = {};
    edges.forEach(function (e) {
      e.data('raw').verbs.forEach(function (v) {
        const t = totals[v.verb] = totals[v.verb] || {edges: 0, count: 0, bytes: 0, failed: 0};
        t.edges += v.edges.length; t.count += v.count; t.bytes += v.bytes; t.failed += v.failed;
      });
    });
    return totals;
  }

  function summary(edges) {
    const totals = verbTotals(edges);
    return Object.keys(totals).sort().map(function (v) { return v + ' ' + totals[v].edges; }).join(', ');
  }

  function alertList(parent, alerts) {
    if (!alerts) { return; }
    const list = cg.el('ul', null, 'element-alerts');
    alerts.forEach(function (alert) {
      list.append(cg.el('li', alert.severity + ' ' + alert.rule_id + ': ' + alert.description, 'sev-' + alert.severity));
    });
    parent.append(list);
  }

  async function expandGroup(id) {
    const processId = cy.getElementById(id).data('raw').process;
    state.expanded.add(id);
    await draw(false);
    cy.fit(cy.getElementById(processId).closedNeighborhood(), 30);
  }

  /* ---------- search and filters ---------- */

  function searchable(node) {
    const raw = node.data('raw') || {};
    return [raw.path, (raw.paths || []).join(' '), raw.exe, (raw.argv || []).join(' '), raw.address, raw.dir,
      raw.name, node.data('label')].join(' ').toLowerCase();
  }

  let filtered = false;
  function applyFilters() {
    const text = document.getElementById('search').value.trim().toLowerCase();
    const verb = document.getElementById('verb').value;
    const failedOnly = document.getElementById('failed-only').checked;
    const alertsOnly = document.getElementById('alerts-only').checked;
    if (!filtered && !text && !verb && !failedOnly && !alertsOnly) { return; }
    filtered = !!(text || verb || failedOnly || alertsOnly);
    cy.batch(function () {
      cy.elements().removeClass('faded match hidden');
      if (verb || failedOnly || alertsOnly) {
        const keep = cy.edges().filter(function (e) {
          return (!verb || e.data('verbs').includes(' ' + verb + ' ')) && (!failedOnly || e.data('failed') === 'yes')
            && (!alertsOnly || e.data('alert') || e.source().data('alert') || e.target().data('alert'));
        });
        cy.edges().not(keep).addClass('hidden');
        const touched = keep.connectedNodes();
        cy.nodes().filter(function (n) {
          return !touched.contains(n) && !(alertsOnly && n.data('alert')) && (n.data('kind') !== 'process' || alertsOnly);
        }).addClass('hidden');
      }
      if (text) {
        const hits = cy.nodes().filter(function (n) { return searchable(n).includes(text); });
        cy.elements().not(hits).addClass('faded');
        hits.addClass('match');
      }
    });
  }

  function fillVerbs() {
    const select = document.getElementById('verb');
    const verbs = Array.from(new Set(state.doc.edges.map(function (e) { return e.verb; }))).sort();
    const current = select.value;
    if (select.options.length - 1 === verbs.length) { return; }
    select.replaceChildren(cg.el('option', 'all verbs'));
    select.options[0].value = '';
    verbs.forEach(function (v) { const o = cg.el('option', v); o.value = v; select.append(o); });
    select.value = current;
  }

  /* ---------- live updates ---------- */

  function applyDelta(delta) {
    const nodes = {};
    state.doc.nodes.forEach(function (n) { nodes[n.id] = n; });
    delta.removed_nodes.forEach(function (id) { delete nodes[id]; });
    delta.nodes.forEach(function (n) { nodes[n.id] = n; });
    const edges = {};
    state.doc.edges.forEach(function (e) { edges[edgeKey(e)] = e; });
    delta.removed_edges.forEach(function (key) { delete edges[key]; });
    delta.edges.forEach(function (e) { edges[edgeKey(e)] = e; });
    state.doc = {schema: delta.schema, session: delta.session, stats: delta.stats, alerts: delta.alerts,
      nodes: Object.values(nodes), edges: Object.values(edges)};
    state.version = delta.version;
  }

  function follow() {
    if (diff || typeof EventSource === 'undefined') { return; }
    const events = new EventSource('/api/sessions/' + encodeURIComponent(sessionId) + '/events');
    let pending = Promise.resolve();
    function queue(work) { pending = pending.then(work).catch(function (e) { message(e.message); }); }
    events.addEventListener('hello', function (event) {
      const hello = JSON.parse(event.data);
      if (hello.version !== state.version) { queue(function () { return load(false); }); }
    });
    events.addEventListener('delta', function (event) {
      const delta = JSON.parse(event.data);
      queue(async function () {
        if (delta.version <= state.version) { return; }
        if (delta.base !== state.version) { await load(false); return; }
        applyDelta(delta);
        await draw(false);
        window.cgVersion = state.version;
      });
    });
  }

  /* ---------- loading, export, wiring ---------- */

  function message(text) {
    const box = document.getElementById('message');
    box.textContent = text;
    box.hidden = !text;
  }

  async function load(fit) {
    mark('load');
    const response = await cg.getJson(apiGraph);
    const doc = await response.json();
    mark('fetched');
    state.doc = doc;
    state.version = parseInt(response.headers.get('X-Changegraph-Version') || '0', 10);
    await draw(fit);
    window.cgVersion = state.version;
  }

  async function exportJson() {
    const blob = await (await cg.getJson(apiGraph)).blob();
    cg.download(blob, (diff ? 'diff-' + diff.canary + '-' + diff.production : state.doc.session.id) + '.json');
  }

  function exportPng() {
    const blob = cy.png({output: 'blob', full: true, bg: '#ffffff', maxWidth: 8000, maxHeight: 8000});
    cg.download(blob, (diff ? 'diff' : state.doc.session.id) + '.png');
  }

  /** On a large graph, labels the nodes and edges inside the viewport when zoomed in enough to read them. */
  let labelTimer = null;
  function labelInView() {
    if (!large) { return; }
    const labelled = cy.elements('.labelled');
    if (cy.zoom() < 0.4) { labelled.removeClass('labelled'); return; }
    const view = cy.extent();
    const inside = function (p) { return p.x >= view.x1 && p.x <= view.x2 && p.y >= view.y1 && p.y <= view.y2; };
    const nodes = cy.nodes().filter(function (n) { return inside(n.position()); });
    const visible = nodes.union(nodes.connectedEdges());
    cy.batch(function () {
      labelled.difference(visible).removeClass('labelled');
      visible.addClass('labelled');
    });
  }
  cy.on('viewport', function () {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(labelInView, 150);
  });

  cy.on('tap', 'node, edge', function (event) { showDetails(event.target); });
  cy.on('dbltap', 'node[kind="group"]', function (event) { expandGroup(event.target.id()); });
  document.getElementById('search').addEventListener('input', applyFilters);
  ['verb', 'failed-only', 'alerts-only'].forEach(function (id) {
    document.getElementById(id).addEventListener('change', applyFilters);
  });
  document.getElementById('layout').addEventListener('change', function (event) {
    layoutName = event.target.value;
    draw(true).catch(function (e) { message(e.message); });
  });
  document.getElementById('fit').addEventListener('click', function () { cy.fit(undefined, 30); });
  document.getElementById('export-png').addEventListener('click', exportPng);
  document.getElementById('export-json').addEventListener('click', function () {
    exportJson().catch(function (e) { message(e.message); });
  });

  if (!sessionId && !diff) {
    message('Give ?session=ID, or ?canary=ID&production=ID for a diff.');
    return;
  }
  load(true).then(function () { ready(); follow(); }).catch(function (e) { message('cannot load the graph: ' + e.message); });
})();
