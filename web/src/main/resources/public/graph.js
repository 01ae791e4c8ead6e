/*
 * One session's change-impact graph (or the union graph of a diff), drawn with Cytoscape.js.
 * Data in, style by selectors on data (node[kind="file"], edge[failed="yes"]), nothing hand-drawn.
 * URL: /graph.html?session=ID (the impact view: what changed, the rest folded into groups; &view=full for
 * everything)  or  /graph.html?canary=ID&production=ID (&differences=all for the whole union; ignore_path,
 * ignore_verb, count_tolerance, remote_match are passed to the diff as the CLI's options)  (optional &fanout=N)
 * Test hooks: window.cy, window.cgReady (true once laid out and drawn), window.cgReadyAt (ms since navigation
 * start when that happened), window.cgVersion, window.cgFocused (ids of the elements the last focus showed),
 * window.cgSearched (the last search's answer once its view moved).
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
    // alerts red; diff statuses green / blue / orange / grey, so an alert never reads as a diff status
    alert: '#d62728', only_canary: '#2ca02c', only_production: '#1f77b4', changed: '#ff7f0e', same: '#d0d0d0'
  };
  const DIFF_OPTIONS = ['ignore_path', 'ignore_verb', 'count_tolerance', 'remote_match'];
  const fullGraphUrl = diff
    ? '/api/diff?canary=' + encodeURIComponent(diff.canary) + '&production=' + encodeURIComponent(diff.production)
      + DIFF_OPTIONS.map(function (name) {
        return params.getAll(name).map(function (v) { return '&' + name + '=' + encodeURIComponent(v); }).join('');
      }).join('')
    : '/api/sessions/' + encodeURIComponent(sessionId || '') + '/graph';

  const timings = window.cgTimings = [];
  function mark(step) { timings.push([step, Math.round(performance.now())]); }
  let large = false;  // more than LARGE elements: cheaper edge drawing
  const state = {doc: null, version: 0, expanded: new Set(), alertsByNode: {}, alertsByEdge: {}, fitted: false,
    // impact: the server's impact view; full: every node; diff: the union of two sessions
    mode: diff ? 'diff' : (params.get('view') === 'full' ? 'full' : 'impact'),
    expand: new Set(), differencesOnly: params.get('differences') !== 'all', summary: null, session: null};

  /** What the graph is fetched from in the current mode. */
  function apiGraph() {
    if (state.mode === 'diff') { return fullGraphUrl + (state.differencesOnly ? '&only=differences' : ''); }
    if (state.mode === 'impact') {
      return '/api/sessions/' + encodeURIComponent(sessionId) + '/view'
        + (state.expand.size ? '?expand=' + encodeURIComponent(Array.from(state.expand).sort().join(',')) : '');
    }
    return fullGraphUrl;
  }

  function style() {
    const s = [
      {selector: 'node', style: {
        'label': 'data(label)', 'font-size': 11, 'text-valign': 'center', 'text-halign': 'center',
        'text-wrap': 'ellipsis', 'text-max-width': 222, 'width': 230, 'height': 28, 'color': '#fff',
        'text-outline-width': 0, 'min-zoomed-font-size': 6, 'border-width': 1, 'border-color': '#555'}},
      {selector: 'node[kind="process"]', style: {'shape': 'round-rectangle', 'background-color': COLOURS.process}},
      {selector: 'node[kind="file"]', style: {'shape': 'rectangle', 'background-color': COLOURS.file}},
      {selector: 'node[kind="remote"]', style: {'shape': 'diamond', 'background-color': COLOURS.remote,
        'width': 230, 'height': 36, 'text-max-width': 150}},
      {selector: 'node[kind="module"]', style: {'shape': 'hexagon', 'background-color': COLOURS.module}},
      {selector: 'node[kind="group"]', style: {'shape': 'barrel', 'background-color': COLOURS.group,
        'color': '#222', 'border-style': 'dashed', 'border-color': COLOURS.file, 'border-width': 2}},
      {selector: 'node[fold]', style: {'text-wrap': 'wrap', 'height': 40, 'font-size': 10, 'text-max-width': 220}},
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
      {selector: 'node.focus', style: {'border-width': 5, 'border-color': '#e0a800', 'underlay-color': '#ffd400',
        'underlay-opacity': 0.35, 'underlay-padding': 8}},
      {selector: 'edge.focus', style: {'width': 5, 'underlay-color': '#ffd400', 'underlay-opacity': 0.5,
        'underlay-padding': 4}},
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

  const LABEL_CHARS = 36;

  function nodeLabel(node) {
    switch (node.kind) {
      case 'process': return cg.basename(node.exe) + ' [' + node.pid + ']';
      // the whole path, elided in the middle when long (the hover shows all of it)
      case 'file': return cg.elide(node.path, LABEL_CHARS);
      case 'remote': return node.family === 'unix' ? cg.elide(node.address, LABEL_CHARS)
        : remoteEndpoint(node) + (node.names && node.names.length
          ? ' (' + cg.elide(node.names[0], LABEL_CHARS) + (node.names.length > 1 ? ' +' + (node.names.length - 1) : '') + ')'
          : '');
      case 'module': return node.name;
      case 'group': return node.label;
      default: return node.id;
    }
  }

  function remoteEndpoint(node) {
    return (node.family === 'ipv6' ? '[' + node.address + ']' : node.address) + ':' + node.port;
  }

  /** The whole label, shown on hover and named in alerts. */
  function fullLabel(node) {
    switch (node.kind) {
      case 'remote': return node.family === 'unix' || !node.names || !node.names.length ? nodeLabel(node)
        : remoteEndpoint(node) + ' (' + node.names.join(', ') + ')';
      case 'process': return (node.argv && node.argv.length ? node.argv.join(' ') : node.exe) + ' [' + node.pid + ']';
      case 'file': return node.path;
      case 'group': return node.label || (node.dir + '/ (' + node.members.length + ' files)');
      default: return nodeLabel(node);
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
    // the impact view comes folded from the server; the full graph folds high fan-out here
    const grouping = state.mode === 'impact' ? {groupOf: {}, groups: {}} : groupsOf(doc, soleSource);
    state.fanoutGroupOf = grouping.groupOf;
    const out = [];
    doc.nodes.forEach(function (node) {
      if (grouping.groupOf[node.id]) { return; }
      const alerts = state.alertsByNode[node.id];
      out.push({group: 'nodes', data: {id: node.id, kind: node.kind, label: nodeLabel(node), full: fullLabel(node),
        raw: node, alert: !!alerts, status: node.status, fold: node.kind === 'group' ? node.group : undefined}});
    });
    Object.keys(grouping.groups).forEach(function (id) {
      const group = grouping.groups[id];
      const label = group.dir + '/ (' + group.members.length + ' files)';
      out.push({group: 'nodes', data: {id: id, kind: 'group', label: label, full: label, raw: group, alert: false}});
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
      const folded = !!(state.nodes[pair.target] && state.nodes[pair.target].kind === 'group');  // a server group
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
        status: statuses.size === 1 ? edges[0].status : 'changed', raw: {verbs: verbs, grouped: grouped || folded}}});
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
    // "live" only while the user is there: a session whose shell exited but left processes running says so
    const stateText = state.session ? state.session.state_text : (s.ended === null ? 'live' : 'ended');
    document.getElementById('live-badge').hidden = !!diff || stateText !== 'live';
    const stateBadge = document.getElementById('state-badge');
    stateBadge.hidden = !!diff || stateText === 'live' || stateText === 'ended';
    stateBadge.textContent = stateText;
    const st = state.doc.stats;
    const kinds = {};
    state.doc.nodes.forEach(function (n) { kinds[n.kind] = (kinds[n.kind] || 0) + 1; });
    const view = state.doc.view;
    document.getElementById('stats').textContent = (view
      ? 'impact view: ' + NUMBER.format(view.shown_nodes) + ' of ' + NUMBER.format(view.total_nodes) + ' nodes drawn, '
        + view.groups + ' groups, '
      : state.doc.nodes.length + ' nodes (' + Object.keys(kinds).sort()
        .map(function (k) { return kinds[k] + ' ' + k; }).join(', ') + '), ' + state.doc.edges.length + ' edges, ')
      + st.events + ' events, ' + (st.lost_kernel + st.dropped_user) + ' dropped'
      + (degradedText(st) ? ' — ' + degradedText(st) : '');
    document.getElementById('stats').classList.toggle('degraded', !!degradedText(st));
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
      item.append(cg.el('div', alertObject(alert), 'object'));
      item.addEventListener('click', function () {
        focus([alert.edge_source ? alert.edge_source + '|' + alert.edge_verb + '|' + alert.edge_target : alert.node]);
      });
      list.append(item);
    });
    section.append(list);
  }

  /** What an alert is about, in words: "unlink /etc/shadow by rm /etc/shadow [102]", or the node's whole label. */
  function alertObject(alert) {
    const named = function (id) { const node = state.nodes[id]; return node ? fullLabel(node) : id; };
    if (alert.edge_source) {
      return alert.edge_verb + ' ' + named(alert.edge_target) + ' by ' + named(alert.edge_source);
    }
    return alert.node ? named(alert.node) : '';
  }

  /* ---------- what changed (left panel) ---------- */

  const SECTIONS = [
    ['package.', 'Packages'], ['user.', 'Users and groups'], ['group.', 'Users and groups'], ['service.', 'Services'],
    ['cron.', 'Scheduled jobs'], ['auth.', 'Authentication'], ['module.', 'Kernel modules'], ['mount', 'Mounts'],
    ['unmount', 'Mounts'], ['netconf.', 'System configuration'], ['sysctl.', 'System configuration'],
    ['firewall.', 'System configuration'], ['network.', 'Network'], ['daemon.', 'Left running'],
    ['download.', 'Risky'], ['file.', 'Risky'], ['secret.', 'Risky']];
  const VERBS = {
    'package.install': 'installed package', 'package.remove': 'removed package', 'package.upgrade': 'upgraded package',
    'user.add': 'added user', 'user.change': 'changed user', 'user.remove': 'removed user',
    'group.add': 'added group', 'group.change': 'changed group', 'group.remove': 'removed group',
    'service.change': 'changed service', 'service.start': 'started service', 'service.stop': 'stopped service',
    'service.restart': 'restarted service', 'service.enable': 'enabled service', 'service.disable': 'disabled service',
    'service.reload': 'reloaded service', 'cron.change': 'changed cron', 'auth.change': 'changed authentication',
    'module.load': 'loaded module', 'module.unload': 'unloaded module', 'mount': 'mounted', 'unmount': 'unmounted',
    'netconf.change': 'changed network configuration', 'sysctl.change': 'changed sysctl',
    'firewall.change': 'changed firewall', 'network.listen': 'listens on', 'network.connect': 'connected to',
    'daemon.left_running': 'left running', 'download.exec': 'ran a downloaded file', 'file.setuid': 'made setuid',
    'file.world_writable': 'made world-writable', 'secret.read': 'read a secret'};

  function section(kind) {
    const hit = SECTIONS.find(function (entry) { return kind.indexOf(entry[0]) === 0; });
    return hit ? hit[1] : 'Other';
  }

  function changeItem(list, what, subject, detail, ids, extraClass) {
    const item = cg.el('li', null, 'item' + (extraClass ? ' ' + extraClass : ''));
    if (what) { item.append(cg.el('span', what + ' ', 'what')); }
    item.append(cg.el('span', subject, what ? 'path' : 'what'));
    if (detail) { item.append(cg.el('div', detail, 'detail')); }
    item.dataset.ids = JSON.stringify(ids);
    item.addEventListener('click', function () {
      document.querySelectorAll('#changes li.focused').forEach(function (li) { li.classList.remove('focused'); });
      item.classList.add('focused');
      focus(ids);
    });
    list.append(item);
  }

  const NUMBER = new Intl.NumberFormat('en');
  const FOLDED_NAMES = {runtime_loading: 'runtime loading', failed_lookup: 'failed lookups',
    package_bookkeeping: 'package bookkeeping', package_subtree: 'package-manager subtrees', transient: 'transient files'};

  const DEGRADED_STEPS = {detail: 'no per-call detail', payload: 'no payload/DNS capture',
    subtrees: 'new non-interactive subtrees not followed'};

  /** One line naming the self-protection steps the recorder took (stats.degradations, docs/ops.md), or ''. */
  function degradedText(stats) {
    const steps = (stats && stats.degradations) || [];
    if (!steps.length) { return ''; }
    return 'recorder self-protection: recorded less during ' + steps.map(function (d) {
      return 'step ' + d.level + ' (' + (DEGRADED_STEPS[d.step] || d.step) + ') ' + cg.time(d.start) + ' – '
        + (d.end ? cg.time(d.end) : 'end') + ' [' + d.reason + ']';
    }).join('; ');
  }

  /** The summary, grouped by behaviour, then the file effects, remotes and what was folded. */
  function renderChanges() {
    const panel = document.getElementById('changes');
    panel.replaceChildren();
    if (state.mode === 'diff') { renderDifferences(panel); return; }
    const summary = state.summary;
    panel.append(cg.el('h2', 'What changed'));
    if (state.doc && degradedText(state.doc.stats)) {
      panel.append(cg.el('p', degradedText(state.doc.stats), 'degraded-banner'));   // never silent: this graph is partial
    }
    if (state.session) {
      const line = cg.el('div', null, 'muted');
      line.append(cg.el('span', state.session.state_text, 'state-text'));
      if (state.session.client_display) { line.append(document.createTextNode(' · from ' + state.session.client_display)); }
      if (state.session.tty) { line.append(document.createTextNode(' · ' + state.session.tty)); }
      panel.append(line);
    }
    if (!summary) { panel.append(cg.el('p', 'No summary for this session.', 'muted')); return; }
    const bySection = {};
    summary.behaviours.forEach(function (b) { (bySection[section(b.kind)] = bySection[section(b.kind)] || []).push(b); });
    const order = [];
    SECTIONS.forEach(function (entry) { if (order.indexOf(entry[1]) < 0) { order.push(entry[1]); } });
    order.push('Other');
    order.forEach(function (name) {
      if (!bySection[name]) { return; }
      panel.append(cg.el('h3', name));
      const list = cg.el('ul', null, 'behaviours');
      bySection[name].forEach(function (b) {
        changeItem(list, VERBS[b.kind] || b.kind, b.subject, b.detail, b.evidence.concat(b.processes));
      });
      panel.append(list);
    });
    if (summary.files.length) {
      panel.append(cg.el('h3', 'Files (' + summary.files.length + ')'));
      const list = cg.el('ul', null, 'files');
      summary.files.forEach(function (f) {
        const detail = [f.from ? 'from ' + f.from : '', f.mode ? 'mode ' + f.mode : '', f.owner ? 'owner ' + f.owner : '',
          f.command ? 'by ' + f.command : '', f.transients ? f.transients + ' transient files folded' : '']
          .filter(Boolean).join(' · ');
        changeItem(list, f.effect, f.path, detail, f.evidence.length ? f.evidence : [f.by]);
      });
      panel.append(list);
    }
    if (summary.remotes.length) {
      panel.append(cg.el('h3', 'Remotes (' + summary.remotes.length + ')'));
      const list = cg.el('ul', null, 'remotes');
      summary.remotes.forEach(function (r) {
        changeItem(list, 'connected to', r.endpoint, r.connects + ' connects' + (r.failed ? ', ' + r.failed + ' failed' : ''),
          [r.id].concat(r.processes));
      });
      panel.append(list);
    }
    if (summary.left_running.length) {
      panel.append(cg.el('h3', 'Still running (' + summary.left_running.length + ')'));
      const list = cg.el('ul', null, 'running');
      summary.left_running.forEach(function (l) { changeItem(list, 'pid ' + l.pid, l.command, '', [l.process]); });
      panel.append(list);
    }
    if (!summary.behaviours.length && !summary.files.length && !summary.remotes.length) {
      panel.append(cg.el('p', 'Nothing recognised as a change.', 'muted'));
    }
    const folded = Object.keys(summary.folded || {}).filter(function (k) { return summary.folded[k] > 0; });
    const note = cg.el('div', null, 'folded');
    note.append(cg.el('div', folded.length ? 'Folded as noise: ' + folded.map(function (k) {
      return (FOLDED_NAMES[k] || k.replace(/_/g, ' ')) + ' ' + NUMBER.format(summary.folded[k]);
    }).join(' · ') : 'Nothing folded as noise.'));
    const view = state.doc.view;
    if (view) {
      note.append(cg.el('div', 'Drawn: ' + NUMBER.format(view.shown_nodes) + ' of ' + NUMBER.format(view.total_nodes)
        + ' nodes; ' + view.groups + ' groups hold the rest (click one to open it, or "show everything").'));
    }
    panel.append(note);
  }

  /** The diff's differences beside the graph; each focuses its element. */
  function renderDifferences(panel) {
    const all = state.doc.differences || [];
    const impact = state.doc.impact;
    panel.append(cg.el('h2', impact ? 'What differs (' + impact.length + ')' : 'Differences (' + all.length + ')'));
    const d = state.doc.diff;
    panel.append(cg.el('div', 'canary ' + d.canary + ' · production ' + d.production, 'muted'));
    if (impact) {
      // in change terms first: "production also deleted /etc/x", "canary installed myapp 1.0-1, production 1.0-2"
      const changes = cg.el('ul', null, 'impact-differences');
      impact.forEach(function (item) {
        const sides = [item.canary ? 'canary: ' + item.canary : '', item.production ? 'production: ' + item.production : '']
          .filter(Boolean).join(' · ');
        changeItem(changes, '', item.text, sides, item.evidence, 'status-' + item.status);
      });
      panel.append(changes);
      if (!impact.length) { panel.append(cg.el('p', 'Both runs changed the host the same way.', 'muted')); }
      panel.append(cg.el('h3', 'Details (' + all.length + ')'));
    }
    if (!all.length) { panel.append(cg.el('p', 'No difference: both runs did the same.', 'muted')); return; }
    const names = {only_canary: 'only in canary', only_production: 'only in production', changed: 'changed'};
    const list = cg.el('ul', null, 'differences');
    all.forEach(function (item) {
      const plural = function (n, word) { return n + ' ' + word + (n === 1 ? '' : (word.endsWith('s') ? 'es' : 's')); };
      const beneath = item.processes ? plural(item.processes, 'process') + ', ' + plural(item.behaviours, 'behaviour') : '';
      changeItem(list, names[item.status] || item.status, item.label,
        [item.reason || '', beneath].filter(Boolean).join(' · '), [item.id], 'status-' + item.status);
    });
    panel.append(list);
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
      } else if (data.kind === 'group' && raw.members && typeof raw.files === 'number') {
        // a group folded by the server: noise of one process, or a subtree of commands
        row(table, 'processes', raw.processes || null);
        row(table, 'files', raw.files);
        const expand = cg.el('button', 'expand: ' + (raw.processes ? raw.processes + ' processes' : raw.files + ' files'));
        expand.type = 'button';
        expand.id = 'expand-group';
        expand.addEventListener('click', function () {
          expand.disabled = true;
          expandGroup(data.id).catch(function (e) { message(e.message); });
        });
        details.append(expand);
        const list = cg.el('ul', null, 'members');
        raw.members.forEach(function (member) { list.append(cg.el('li', member)); });
        const total = (raw.processes || 0) + raw.files;
        if (total > raw.members.length) { list.append(cg.el('li', '… ' + (total - raw.members.length) + ' more')); }
        details.append(table, list);
        return;
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
    const group = cy.getElementById(id);
    if (group.empty() || state.expand.has(id)) { return; }
    const processId = group.data('raw').process;
    const label = group.data('label');
    if (state.mode === 'impact') {
      state.expand.add(id);
      await load(false);
    } else {
      state.expanded.add(id);
      await draw(false);
    }
    const around = cy.getElementById(processId).closedNeighborhood();
    const details = document.getElementById('details');
    details.replaceChildren(cg.el('p', 'Opened ' + label + '.', 'muted'));
    fitTo(around);
    window.cgFocused = around.map(function (e) { return e.id(); });
  }

  /** Moves the view to {@code eles}: fitted with a margin, never closer than 1.5 nor farther than needed. */
  function fitTo(eles) {
    if (!eles || eles.empty()) { return; }
    const box = eles.boundingBox({includeLabels: false});
    const padding = 60;
    const zoom = Math.max(cy.minZoom(), Math.min(1.5, (cy.width() - 2 * padding) / Math.max(box.w, 1),
      (cy.height() - 2 * padding) / Math.max(box.h, 1)));
    cy.stop();
    cy.animate({zoom: zoom, pan: {x: cy.width() / 2 - zoom * (box.x1 + box.w / 2),
      y: cy.height() / 2 - zoom * (box.y1 + box.h / 2)}}, {duration: 250});
  }

  /**
   * Focuses the elements behind summary items, differences or alerts: node ids and edge keys
   * (source|verb|target) as the summary gives them, shown wherever this view draws them (the node, its
   * drawn edge, or the group it is folded into); the rest of the graph stays, the view moves to them.
   */
  function focus(ids) {
    const where = state.doc.where || {};
    let targets = cy.collection();
    ids.forEach(function (id) {
      const at = where[id] || id;
      let element = cy.getElementById(at.indexOf('|') >= 0 ? (state.drawnEdge[at] || '') : at);
      if (element.empty() && state.fanoutGroupOf && state.fanoutGroupOf[at]) {
        element = cy.getElementById(state.fanoutGroupOf[at]);
      }
      if (element.empty() && at.indexOf('|') >= 0) {  // an edge key whose ends are drawn elsewhere
        const parts = at.split('|');
        element = cy.getElementById(where[parts[2]] || parts[2]).union(cy.getElementById(where[parts[0]] || parts[0]));
      }
      targets = targets.union(element);
    });
    cy.elements('.focus').removeClass('focus');
    window.cgFocused = targets.map(function (e) { return e.id(); });
    if (targets.empty()) { message('not drawn in this view: try "show everything"'); return; }
    message('');
    targets.addClass('focus');
    fitTo(targets.union(targets.connectedNodes()));
    if (targets.length === 1) { showDetails(targets); }
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

  /**
   * Search moves the view to its matches. In the impact view the server also finds matches folded into groups:
   * those groups are outlined too, and Enter opens them.
   */
  let searchTimer = null;
  let searchSeq = 0;
  let foldedMatches = [];
  function searchMoved() {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(async function () {
      const text = document.getElementById('search').value.trim();
      const status = document.getElementById('search-status');
      const seq = ++searchSeq;
      foldedMatches = [];
      if (!text) { status.textContent = ''; window.cgSearched = null; return; }
      let answer = null;
      if (state.mode === 'impact') {
        try {
          answer = await (await cg.getJson('/api/sessions/' + encodeURIComponent(sessionId) + '/search?q='
            + encodeURIComponent(text) + (state.expand.size ? '&expand=' + encodeURIComponent(Array.from(state.expand)
              .sort().join(',')) : ''))).json();
        } catch (e) { message(e.message); return; }
        if (seq !== searchSeq) { return; }
        const groups = new Set();
        answer.matches.forEach(function (m) { if (m.in && m.in.indexOf('g:') === 0) { groups.add(m.in); } });
        foldedMatches = Array.from(groups);
        cy.batch(function () {
          foldedMatches.forEach(function (id) { cy.getElementById(id).removeClass('faded').addClass('match'); });
        });
      }
      const hits = cy.nodes('.match');
      const shown = hits.filter(function (n) { return n.data('kind') !== 'group' || !state.doc.view; }).length;
      status.textContent = !hits.length ? 'no match'
        : (answer ? NUMBER.format(answer.total) + ' matches: ' + shown + ' drawn'
          + (foldedMatches.length ? ', others in ' + foldedMatches.length + ' folded groups (Enter opens them)' : '')
          : hits.length + ' matches');
      fitTo(hits);
      window.cgSearched = {text: text, hits: hits.map(function (n) { return n.id(); }), groups: foldedMatches};
    }, 250);
  }

  async function openFoldedMatches() {
    if (!foldedMatches.length || foldedMatches.length > 20) { return; }
    foldedMatches.forEach(function (id) { state.expand.add(id); });
    await load(false);
    applyFilters();
    searchMoved();
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
    if (delta.summary) {   // the writer's latest summary: "What changed" stays current
      state.summary = delta.summary;
      renderChanges();
    }
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
        if (delta.base !== state.version || state.mode === 'impact') { await load(false); return; }
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
    const sessionRow = state.mode === 'diff' ? null
      : cg.getJson('/api/sessions/' + encodeURIComponent(sessionId)).then(function (r) { return r.json(); });
    const response = await cg.getJson(apiGraph());
    const doc = await response.json();
    mark('fetched');
    state.doc = doc;
    state.version = parseInt(response.headers.get('X-Changegraph-Version') || '0', 10);
    if (sessionRow) { state.session = await sessionRow; }
    if (doc.summary) {
      state.summary = doc.summary;
    } else if (state.mode === 'full' && !state.summary) {
      // a graph file without a summary section: the impact view makes it
      state.summary = (await (await cg.getJson('/api/sessions/' + encodeURIComponent(sessionId) + '/view')).json()).summary;
    }
    await draw(fit);
    renderChanges();
    window.cgVersion = state.version;
  }

  async function exportJson() {
    const blob = await (await cg.getJson(fullGraphUrl)).blob();
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
  // a server group opens on click, unless drawing what it holds would be slow (then its expand button does)
  const OPEN_ON_CLICK = 2000;
  cy.on('tap', 'node[fold]', function (event) {
    const raw = event.target.data('raw');
    if ((raw.processes || 0) + raw.files <= OPEN_ON_CLICK) {
      expandGroup(event.target.id()).catch(function (e) { message(e.message); });
    }
  });
  document.getElementById('search').addEventListener('input', function () { applyFilters(); searchMoved(); });
  document.getElementById('search').addEventListener('keydown', function (event) {
    if (event.key === 'Enter') { openFoldedMatches().catch(function (e) { message(e.message); }); }
  });
  const everything = document.getElementById('everything');
  everything.checked = state.mode === 'full';
  document.getElementById('everything-toggle').hidden = !!diff;
  everything.addEventListener('change', function () {
    state.mode = everything.checked ? 'full' : 'impact';
    const url = new URL(location.href);
    if (everything.checked) { url.searchParams.set('view', 'full'); } else { url.searchParams.delete('view'); }
    history.replaceState(null, '', url);
    load(true).catch(function (e) { message(e.message); });
  });
  const differencesOnly = document.getElementById('differences-only');
  document.getElementById('differences-toggle').hidden = !diff;
  differencesOnly.checked = state.differencesOnly;
  differencesOnly.addEventListener('change', function () {
    state.differencesOnly = differencesOnly.checked;
    load(true).catch(function (e) { message(e.message); });
  });
  // the whole label of the node under the mouse
  const tip = document.getElementById('tip');
  cy.on('mouseover', 'node', function (event) {
    const rect = cy.container().getBoundingClientRect();
    const at = event.renderedPosition;
    tip.textContent = event.target.data('full') || event.target.data('label');
    tip.style.left = (rect.left + at.x + 12) + 'px';
    tip.style.top = (rect.top + at.y + 14) + 'px';
    tip.hidden = false;
  });
  cy.on('mouseout', 'node', function () { tip.hidden = true; });
  cy.on('viewport', function () { tip.hidden = true; });
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
