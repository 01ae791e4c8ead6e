/* Helpers shared by the sessions page and the graph page. */
'use strict';

window.cg = {
  /** Fetches JSON from the API; rejects with the server's error message. */
  getJson: async function (url) {
    const response = await fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}});
    if (!response.ok) {
      let message = response.status + ' ' + response.statusText;
      try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return response;
  },

  /** Makes an element with text (never HTML, so graph content cannot inject markup). */
  el: function (tag, text, className) {
    const element = document.createElement(tag);
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    if (className) { element.className = className; }
    return element;
  },

  duration: function (seconds) {
    if (seconds === null || seconds === undefined) { return ''; }
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + s + 's';
  },

  time: function (iso) {
    return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
  },

  basename: function (path) {
    if (!path) { return ''; }
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const slash = trimmed.lastIndexOf('/');
    return slash >= 0 && slash < trimmed.length - 1 ? trimmed.substring(slash + 1) : trimmed;
  },

  /**
   * Text of at most max characters, elided in the middle: a path keeps its start up to a directory and its
   * whole file name when they fit ("/usr/share/…/myapp-deploy.log"), else both ends of the text.
   */
  elide: function (text, max) {
    if (!text || text.length <= max) { return text || ''; }
    const slash = text.lastIndexOf('/');
    const tail = slash >= 0 ? text.substring(slash) : '';
    if (tail && tail.length <= max - 6) {
      let head = text.substring(0, max - 1 - tail.length);
      const cut = head.lastIndexOf('/');
      if (cut > 0) { head = head.substring(0, cut + 1); }
      return head + '…' + tail;
    }
    const front = Math.ceil((max - 1) / 2);
    return text.substring(0, front) + '…' + text.substring(text.length - (max - 1 - front));
  },

  dirname: function (path) {
    const slash = path.lastIndexOf('/');
    return slash > 0 ? path.substring(0, slash) : '/';
  },

  /** Saves a blob as a download named {@code name}. */
  download: function (blob, name) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
};

/* Who is logged in (a token or a users file is configured): "alice · user, uid 1001" in the header. */
document.addEventListener('DOMContentLoaded', async function () {
  const slot = document.getElementById('whoami');
  if (!slot) { return; }
  try {
    const info = await (await cg.getJson('/api/info')).json();
    const netwatchLink = document.getElementById('netwatch-link');
    if (netwatchLink && info.netwatch) { netwatchLink.hidden = false; }
    const user = info.user;
    if (!user) { return; }
    slot.textContent = 'logged in as ' + user.name + ' (' + user.role
        + (user.uid === null || user.uid === undefined ? '' : ', uid ' + user.uid) + ')';
    slot.hidden = false;
  } catch (e) {
    /* the page reports API errors itself */
  }
});
