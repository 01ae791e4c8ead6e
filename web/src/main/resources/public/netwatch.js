/* The netwatch page: destinations worst first, totals per anomaly kind and a stacked bar per time bucket. */
'use strict';

(function () {
  const REFRESH_MS = 10000;
  const WIDTH = 240, HEIGHT = 34;
  const SVG = 'http://www.w3.org/2000/svg';
  const COLOURS = {refused: '#d62728', timed_out: '#9467bd', resets_received: '#ff7f0e', resets_sent: '#ffbb78',
    syn_retransmits: '#1f77b4', retransmits: '#aec7e8'};
  const LABELS = {refused: 'refused', timed_out: 'timed out', resets_received: 'resets received',
    resets_sent: 'resets sent', syn_retransmits: 'SYN retransmits', retransmits: 'data retransmits'};
  const body = document.querySelector('#destinations tbody');
  const filter = document.getElementById('filter');
  const windowSelect = document.getElementById('window');
  let data = null;

  function svg(tag, attributes) {
    const element = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    return element;
  }

  function bucketTime(index) {
    const from = Date.parse(data.from);
    const start = new Date(from + index * data.bucket_seconds * 1000);
    const end = new Date(from + (index + 1) * data.bucket_seconds * 1000);
    return cg.time(start.toISOString()) + ' – ' + cg.time(end.toISOString()).substring(11);
  }

  /** One stacked bar per bucket, kinds in data.kinds order from the bottom; each bar's title lists its counts. */
  function chart(destination) {
    const chartSvg = svg('svg', {width: WIDTH, height: HEIGHT, viewBox: '0 0 ' + WIDTH + ' ' + HEIGHT,
      'class': 'series', role: 'img'});
    const n = data.buckets;
    let max = 0;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      data.kinds.forEach(function (kind) { sum += destination.series[kind][i]; });
      max = Math.max(max, sum);
    }
    chartSvg.setAttribute('aria-label', destination.destination + ': at most ' + max + ' per bucket');
    const barWidth = WIDTH / n;
    for (let i = 0; i < n; i++) {
      let y = HEIGHT;
      const parts = [];
      const group = svg('g', {});
      data.kinds.forEach(function (kind) {
        const value = destination.series[kind][i];
        if (!value) { return; }
        parts.push(LABELS[kind] + ' ' + value);
        const h = Math.max(1, value / max * (HEIGHT - 2));
        y -= h;
        group.append(svg('rect', {x: (i * barWidth).toFixed(2), y: y.toFixed(2),
          width: Math.max(1, barWidth - 1).toFixed(2), height: h.toFixed(2), fill: COLOURS[kind],
          'data-kind': kind}));
      });
      if (parts.length) {
        const title = svg('title', {});
        title.textContent = bucketTime(i) + ': ' + parts.join(', ');
        group.prepend(title);
        chartSvg.append(group);
      }
    }
    return chartSvg;
  }

  function matches(destination, text) {
    if (!text) { return true; }
    const haystack = [destination.destination].concat(destination.names, destination.exes, destination.containers,
      destination.pods || [], destination.cgroups).join(' ').toLowerCase();
    return text.toLowerCase().split(/\s+/).every(function (word) { return haystack.includes(word); });
  }

  function number(value, bad) {
    return cg.el('td', value, 'num' + (bad && value ? ' bad' : ''));
  }

  function render() {
    body.replaceChildren();
    if (!data) { return; }
    const shown = data.destinations.filter(function (d) { return matches(d, filter.value.trim()); });
    shown.forEach(function (d) {
      const tr = document.createElement('tr');
      tr.dataset.destination = d.destination;
      const pods = (d.pods || []).map(function (p) { return 'pod ' + p; });
      const where = d.containers.length ? d.containers.map(function (c) { return c.substring(0, 12); }).concat(pods).join(', ')
        : (pods.length ? pods.join(', ') : d.cgroups.join(', '));
      const whereCell = cg.el('td', where, 'list');
      whereCell.title = d.containers.concat(pods, d.cgroups).join('\n');
      const exeCell = cg.el('td', d.exes.join(', '), 'list');
      exeCell.title = d.exes.join('\n');
      const chartCell = cg.el('td', null, 'chart');
      chartCell.append(chart(d));
      const t = d.totals;
      tr.append(cg.el('td', d.destination), cg.el('td', d.names.join(', ') || '—'), exeCell, whereCell,
        number(d.connections), number(t.refused, true), number(t.timed_out, true), number(t.resets_received, true),
        number(t.resets_sent, true), number(t.syn_retransmits), number(t.retransmits), chartCell);
      body.append(tr);
    });
    document.getElementById('count').textContent = shown.length + ' of ' + data.total_destinations + ' destinations'
      + (data.total_destinations > data.destinations.length ? ' (the worst ' + data.destinations.length + ' listed)' : '');
    document.getElementById('empty').hidden = shown.length > 0;
    document.getElementById('over-time').textContent = data.to
      ? 'over time: ' + cg.time(data.from).substring(11, 16) + ' → ' + cg.time(data.to).substring(11, 16) + ' UTC'
      : 'over time';
    document.getElementById('range').textContent = data.to
      ? data.file + ': ' + cg.time(data.from) + ' to ' + cg.time(data.to) + ', ' + data.intervals + ' intervals, bars of '
        + cg.duration(Math.round(data.bucket_seconds))
      : data.file + ': no lines yet';
  }

  function legend() {
    const slot = document.getElementById('legend');
    slot.replaceChildren();
    Object.keys(LABELS).forEach(function (kind) {
      const item = cg.el('span', null);
      item.append(cg.el('span', null, 'swatch kind-' + kind), document.createTextNode(LABELS[kind]));
      slot.append(item);
    });
  }

  async function refresh() {
    try {
      data = await (await cg.getJson('/api/netwatch?window=' + encodeURIComponent(windowSelect.value))).json();
      render();
      window.cgNetwatchReady = true;
    } catch (error) {
      data = null;
      render();
      document.getElementById('count').textContent = 'cannot load netwatch: ' + error.message;
      window.cgNetwatchReady = true;
    }
  }

  legend();
  filter.addEventListener('input', render);
  windowSelect.addEventListener('change', refresh);
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
