/*
 * The default layout: the process tree top-down, each process's files and remotes in columns beside it.
 * Deterministic and linear in the graph's size, and computed on the element definitions before they are
 * added to Cytoscape (positions set once at creation are far cheaper than a layout run moving 5,000 nodes),
 * so a large session is drawn quickly and a live session keeps its shape as it grows.
 * Each function takes the element definitions ({group, data}) and returns {id: {x, y}} for every node.
 */
'use strict';

window.cgLayout = (function () {
  const OBJECTS_PER_COLUMN = 12;
  const COLUMN_WIDTH = 260;
  const ROW_HEIGHT = 46;
  const PROCESS_WIDTH = 250;
  const OBJECT_GAP = 110;
  const LEVEL_GAP = 90;
  const SIBLING_GAP = 40;
  const CHILDREN_PER_ROW = 8;

  function split(elements) {
    const nodes = {};
    const edges = [];
    elements.forEach(function (e) {
      if (e.group === 'nodes') { nodes[e.data.id] = e.data; } else { edges.push(e.data); }
    });
    return {nodes: nodes, edges: edges};
  }

  function processTree(graph) {
    const processes = Object.values(graph.nodes).filter(function (n) { return n.kind === 'process'; });
    const parent = {};
    graph.edges.forEach(function (edge) {
      const target = graph.nodes[edge.target];
      if (edge.verb === 'spawn' && target && target.kind === 'process' && edge.source !== edge.target) {
        parent[edge.target] = edge.source;
      }
    });
    const byPid = {};
    processes.forEach(function (p) { byPid[p.raw.pid] = p.id; });
    processes.forEach(function (p) {
      const candidate = byPid[p.raw.ppid];
      if (!parent[p.id] && candidate && candidate !== p.id) { parent[p.id] = candidate; }
    });
    // break any cycle (a pid reused inside the window): a node whose ancestors loop back becomes a root
    Object.keys(parent).forEach(function (id) {
      const seen = {};
      for (let at = id; parent[at]; at = parent[at]) {
        if (seen[at]) { delete parent[id]; break; }
        seen[at] = true;
      }
    });
    const children = {};
    const roots = [];
    processes.sort(function (a, b) {
      return (a.raw.started || '').localeCompare(b.raw.started || '') || a.raw.pid - b.raw.pid || a.id.localeCompare(b.id);
    }).forEach(function (p) {
      const up = parent[p.id];
      if (up) { (children[up] = children[up] || []).push(p.id); } else { roots.push(p.id); }
    });
    return {roots: roots, children: children};
  }

  function tree(elements) {
    const graph = split(elements);
    const shape = processTree(graph);
    const out = {};
    graph.edges.forEach(function (edge) { (out[edge.source] = out[edge.source] || []).push(edge.target); });
    const owned = {};
    const objects = {};
    const width = {};
    const height = {};
    // depth-first order without recursion (process trees can be deep); each object goes to its first process
    const stack = shape.roots.slice().reverse().map(function (id) { return {id: id, done: false}; });
    const postOrder = [];
    while (stack.length) {
      const top = stack.pop();
      if (top.done) { postOrder.push(top.id); continue; }
      objects[top.id] = (out[top.id] || []).filter(function (id) {
        const node = graph.nodes[id];
        if (!node || node.kind === 'process' || owned[id]) { return false; }
        owned[id] = true;
        return true;
      }).sort(function (a, b) { return graph.nodes[a].label.localeCompare(graph.nodes[b].label); });
      stack.push({id: top.id, done: true});
      (shape.children[top.id] || []).slice().reverse().forEach(function (child) {
        stack.push({id: child, done: false});
      });
    }
    // a process's children stand in rows of at most CHILDREN_PER_ROW under it (a shell loop that runs 500
    // commands wraps instead of making one row 500 boxes wide)
    const rows = {};
    const depth = {};  // height of the whole subtree
    postOrder.forEach(function (id) {
      const count = objects[id].length;
      const own = PROCESS_WIDTH + (count ? OBJECT_GAP : 0) + Math.ceil(count / OBJECTS_PER_COLUMN) * COLUMN_WIDTH;
      height[id] = Math.max(1, Math.min(count, OBJECTS_PER_COLUMN)) * ROW_HEIGHT;
      const kids = shape.children[id] || [];
      rows[id] = [];
      // about as many rows as columns, so the whole tree fits a screen-shaped view
      const perRow = Math.max(2, Math.min(CHILDREN_PER_ROW, Math.ceil(Math.sqrt(kids.length))));
      for (let i = 0; i < kids.length; i += perRow) { rows[id].push(kids.slice(i, i + perRow)); }
      width[id] = own;
      depth[id] = height[id];
      rows[id].forEach(function (row) {
        width[id] = Math.max(width[id], row.reduce(function (sum, kid) { return sum + width[kid] + SIBLING_GAP; }, -SIBLING_GAP));
        depth[id] += LEVEL_GAP + Math.max.apply(null, row.map(function (kid) { return depth[kid]; }));
      });
    });
    const positions = {};
    let left = 0;
    const queue = shape.roots.map(function (root) {
      const start = {id: root, left: left, top: 0};
      left += width[root] + SIBLING_GAP * 2;
      return start;
    });
    while (queue.length) {
      const next = queue.pop();
      positions[next.id] = {x: next.left + PROCESS_WIDTH / 2, y: next.top};
      objects[next.id].forEach(function (id, i) {
        positions[id] = {
          x: next.left + PROCESS_WIDTH + OBJECT_GAP + Math.floor(i / OBJECTS_PER_COLUMN) * COLUMN_WIDTH + COLUMN_WIDTH / 2,
          y: next.top + (i % OBJECTS_PER_COLUMN) * ROW_HEIGHT
        };
      });
      let top = next.top + height[next.id] + LEVEL_GAP;
      rows[next.id].forEach(function (row) {
        let x = next.left;
        row.forEach(function (kid) {
          queue.push({id: kid, left: x, top: top});
          x += width[kid] + SIBLING_GAP;
        });
        top += LEVEL_GAP + Math.max.apply(null, row.map(function (kid) { return depth[kid]; }));
      });
    }
    // objects no process acts on (possible in hand-made files): rows under everything
    let bottom = 0;
    Object.keys(positions).forEach(function (id) { bottom = Math.max(bottom, positions[id].y); });
    let i = 0;
    Object.keys(graph.nodes).sort().forEach(function (id) {
      if (!positions[id]) {
        positions[id] = {x: (i % 40) * COLUMN_WIDTH, y: bottom + LEVEL_GAP + Math.floor(i / 40) * ROW_HEIGHT};
        i++;
      }
    });
    return positions;
  }

  /** Dagre's layered layout (top-down); needs window.dagre (its WebJar, loaded on first use). */
  function dagreLayout(elements) {
    const graph = split(elements);
    const g = new window.dagre.graphlib.Graph();
    g.setGraph({rankdir: 'TB', nodesep: 20, ranksep: 60});
    g.setDefaultEdgeLabel(function () { return {}; });
    Object.keys(graph.nodes).forEach(function (id) { g.setNode(id, {width: 150, height: 30}); });
    graph.edges.forEach(function (edge) { g.setEdge(edge.source, edge.target); });
    window.dagre.layout(g);
    const positions = {};
    g.nodes().forEach(function (id) { positions[id] = {x: g.node(id).x, y: g.node(id).y}; });
    return positions;
  }

  return {tree: tree, dagre: dagreLayout};
})();
