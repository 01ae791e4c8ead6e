/*
 * The default layout: the process tree top-down, each process's files and remotes in columns beside it.
 * Deterministic and linear in the graph's size, so a 5,000-node session lays out in milliseconds and a live
 * session keeps its shape as it grows. Returns {id: {x, y}} for every node of the collection.
 */
'use strict';

window.cgLayout = (function () {
  const OBJECTS_PER_COLUMN = 12;
  const COLUMN_WIDTH = 190;
  const ROW_HEIGHT = 46;
  const PROCESS_WIDTH = 200;
  const OBJECT_GAP = 110;
  const LEVEL_GAP = 90;
  const SIBLING_GAP = 40;

  function processTree(cy) {
    const processes = cy.nodes('[kind="process"]');
    const parent = {};
    cy.edges('[verb="spawn"]').forEach(function (edge) {
      if (edge.target().data('kind') === 'process' && edge.source().id() !== edge.target().id()) {
        parent[edge.target().id()] = edge.source().id();
      }
    });
    const byPid = {};
    processes.forEach(function (p) { byPid[p.data('raw').pid] = p.id(); });
    processes.forEach(function (p) {
      if (!parent[p.id()]) {
        const candidate = byPid[p.data('raw').ppid];
        if (candidate && candidate !== p.id()) { parent[p.id()] = candidate; }
      }
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
    const order = processes.toArray().sort(function (a, b) {
      const x = a.data('raw'), y = b.data('raw');
      return (x.started || '').localeCompare(y.started || '') || x.pid - y.pid || a.id().localeCompare(b.id());
    });
    order.forEach(function (p) {
      const up = parent[p.id()];
      if (up) { (children[up] = children[up] || []).push(p.id()); } else { roots.push(p.id()); }
    });
    return {roots: roots, children: children};
  }

  function objectsOf(cy, processId, owned) {
    const objects = [];
    cy.getElementById(processId).outgoers('node').forEach(function (node) {
      if (node.data('kind') !== 'process' && !owned[node.id()]) {
        owned[node.id()] = true;
        objects.push(node);
      }
    });
    return objects.sort(function (a, b) { return a.data('label').localeCompare(b.data('label')); });
  }

  function tree(cy) {
    const positions = {};
    const owned = {};
    const shape = processTree(cy);
    const objects = {};
    const width = {};
    const height = {};
    // post-order widths without recursion (process trees can be deep)
    const stack = shape.roots.slice().reverse().map(function (id) { return {id: id, done: false}; });
    const order = [];
    while (stack.length) {
      const top = stack.pop();
      if (top.done) { order.push(top.id); continue; }
      objects[top.id] = objectsOf(cy, top.id, owned);
      stack.push({id: top.id, done: true});
      (shape.children[top.id] || []).slice().reverse().forEach(function (child) {
        stack.push({id: child, done: false});
      });
    }
    order.forEach(function (id) {
      const count = objects[id].length;
      const own = PROCESS_WIDTH + (count ? OBJECT_GAP : 0) + Math.ceil(count / OBJECTS_PER_COLUMN) * COLUMN_WIDTH;
      height[id] = Math.max(1, Math.min(count, OBJECTS_PER_COLUMN)) * ROW_HEIGHT;
      const kids = shape.children[id] || [];
      const kidsWidth = kids.reduce(function (sum, kid) { return sum + width[kid] + SIBLING_GAP; }, -SIBLING_GAP);
      width[id] = Math.max(own, kids.length ? kidsWidth : 0);
    });
    function place(id, left, top) {
      positions[id] = {x: left + PROCESS_WIDTH / 2, y: top};
      objects[id].forEach(function (node, i) {
        positions[node.id()] = {
          x: left + PROCESS_WIDTH + OBJECT_GAP + Math.floor(i / OBJECTS_PER_COLUMN) * COLUMN_WIDTH + COLUMN_WIDTH / 2,
          y: top + (i % OBJECTS_PER_COLUMN) * ROW_HEIGHT
        };
      });
      let x = left;
      const childTop = top + height[id] + LEVEL_GAP;
      return (shape.children[id] || []).map(function (kid) {
        const next = {id: kid, left: x, top: childTop};
        x += width[kid] + SIBLING_GAP;
        return next;
      });
    }
    let left = 0;
    const queue = shape.roots.map(function (root) {
      const start = {id: root, left: left, top: 0};
      left += width[root] + SIBLING_GAP * 2;
      return start;
    });
    while (queue.length) {
      const next = queue.pop();
      place(next.id, next.left, next.top).forEach(function (kid) { queue.push(kid); });
    }
    // objects no process acts on (possible in hand-made files): a row under everything
    let bottom = 0;
    Object.keys(positions).forEach(function (id) { bottom = Math.max(bottom, positions[id].y); });
    let i = 0;
    cy.nodes().forEach(function (node) {
      if (!positions[node.id()]) {
        positions[node.id()] = {x: (i % 40) * COLUMN_WIDTH, y: bottom + LEVEL_GAP + Math.floor(i / 40) * ROW_HEIGHT};
        i++;
      }
    });
    return positions;
  }

  /** Dagre's layered layout (top-down), loaded on first use from its WebJar. */
  function dagreLayout(cy) {
    const g = new window.dagre.graphlib.Graph();
    g.setGraph({rankdir: 'TB', nodesep: 20, ranksep: 60});
    g.setDefaultEdgeLabel(function () { return {}; });
    cy.nodes().forEach(function (node) { g.setNode(node.id(), {width: 150, height: 30}); });
    cy.edges().forEach(function (edge) { g.setEdge(edge.source().id(), edge.target().id()); });
    window.dagre.layout(g);
    const positions = {};
    g.nodes().forEach(function (id) { positions[id] = {x: g.node(id).x, y: g.node(id).y}; });
    return positions;
  }

  return {tree: tree, dagre: dagreLayout};
})();
