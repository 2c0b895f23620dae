/* allegraph network picture: draws the data of the `.allegraph-viz` block just before this
   script with vis-network, and shows details on hover and click. Every text from the data
   is set with textContent (never innerHTML), and only http(s) links become hrefs. No ids are
   used, so the same snippet can appear twice in one page. */
(function (script) {
  "use strict";
  var root = script && script.previousElementSibling;
  while (root && !(root.classList && root.classList.contains("allegraph-viz"))) {
    root = root.previousElementSibling;
  }
  if (!root || root.getAttribute("data-drawn")) return;
  root.setAttribute("data-drawn", "true");

  var data = JSON.parse(root.querySelector("script.ag-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var stage = root.querySelector(".ag-stage");
  var tooltip = root.querySelector(".ag-tooltip");
  var details = root.querySelector(".ag-details");
  var detailsBody = root.querySelector(".ag-details-body");
  var loading = root.querySelector(".ag-loading");
  var network = new vis.Network(root.querySelector(".ag-canvas"), { nodes: nodes, edges: edges }, data.options);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function sourceLink(index) {
    var src = data.sources[index];
    if (!src) return el("span", "ag-source", "unknown source");
    var label = src.title + (src.publisher ? ", " + src.publisher : "") + (src.issued ? ", " + src.issued : "");
    if (src.url && /^https?:\/\//i.test(src.url)) {
      var a = el("a", "ag-source", label);
      a.href = src.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }
    return el("span", "ag-source", label);
  }

  function nodeCard(node) {
    var card = el("div", "ag-card");
    card.appendChild(el("div", "ag-card-title", node.label));
    card.appendChild(el("div", "ag-card-kind", node.kindLabel + " · " + node.degree + " link(s)"));
    if (node.docs.length) {
      var list = el("ul", "ag-docs");
      node.docs.slice(0, 8).forEach(function (i) {
        var li = el("li");
        li.appendChild(sourceLink(i));
        list.appendChild(li);
      });
      if (node.docs.length > 8) list.appendChild(el("li", null, "… and " + (node.docs.length - 8) + " more"));
      card.appendChild(el("div", "ag-card-sub", "Mentioned in"));
      card.appendChild(list);
    }
    card.appendChild(el("div", "ag-iri", node.iri));
    return card;
  }

  function edgeCard(edge) {
    var card = el("div", "ag-card");
    var from = nodes.get(edge.from), to = nodes.get(edge.to);
    card.appendChild(el("div", "ag-card-title", from.label + " " + edge.verb + " " + to.label));
    edge.evidence.slice(0, 6).forEach(function (ev) {
      var item = el("div", "ag-evidence");
      if (ev.act) item.appendChild(el("div", "ag-act", ev.act));
      if (ev.quote) item.appendChild(el("blockquote", "ag-quote", "“" + ev.quote + "”"));
      var meta = [ev.date, ev.modality].filter(Boolean).join(" · ");
      if (meta) item.appendChild(el("div", "ag-meta", meta));
      if (ev.source !== null) item.appendChild(sourceLink(ev.source));
      card.appendChild(item);
    });
    if (edge.evidence.length > 6) card.appendChild(el("div", "ag-meta", "… and " + (edge.evidence.length - 6) + " more statements"));
    return card;
  }

  function card(params) {
    if (params.node !== undefined) return nodeCard(nodes.get(params.node));
    if (params.edge !== undefined) return edgeCard(edges.get(params.edge));
    return null;
  }

  function showTooltip(params) {
    var content = card(params);
    if (!content) return;
    tooltip.replaceChildren(content);
    var x = params.pointer.DOM.x + 14, y = params.pointer.DOM.y + 14;
    tooltip.style.left = Math.min(x, stage.clientWidth - 340) + "px";
    tooltip.style.top = y + "px";
    tooltip.hidden = false;
  }

  function hideTooltip() { tooltip.hidden = true; }

  network.on("hoverNode", showTooltip);
  network.on("hoverEdge", showTooltip);
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("click", function (params) {
    hideTooltip();
    var content = params.nodes.length ? card({ node: params.nodes[0] })
      : params.edges.length ? card({ edge: params.edges[0] }) : null;
    if (!content) { details.hidden = true; return; }
    detailsBody.replaceChildren(content);
    details.hidden = false;
  });
  root.querySelector(".ag-close").addEventListener("click", function () { details.hidden = true; });

  function ready() {
    if (loading) loading.hidden = true;
    root.setAttribute("data-ready", "true");
  }
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      network.once("afterDrawing", ready);
    });
  } else {
    network.once("afterDrawing", ready);
  }

  // Large pictures open without arrows (drawing 20,000 of them costs a third of the first
  // frame, and they are specks when the whole network fits); zooming in brings them back.
  var ARROWS_FROM_SCALE = 0.45;
  if (data.arrowsOnZoom) {
    network.on("zoom", function arrowsBack(params) {
      if (params.scale < ARROWS_FROM_SCALE) return;
      network.off("zoom", arrowsBack);
      network.setOptions({ edges: { arrows: { to: { enabled: true } } } });
    });
  }

  var entry = { root: root, network: network, nodes: nodes, edges: edges };
  (window.allegraphNetworks = window.allegraphNetworks || []).push(entry);
  window.network = network;  // the names pyvis pages use, for the last picture drawn
  window.nodes = nodes;
  window.edges = edges;
})(document.currentScript);
