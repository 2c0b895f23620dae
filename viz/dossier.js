/* allegraph evidence dossier: keeps an image of each drawn picture for printing (a canvas
   resized by the print layout would be stretched, not redrawn). The image is taken once
   the picture has settled and again just before printing, fitted to the whole network. */
(function () {
  "use strict";

  function snapshot(entry, refit) {
    var stage = entry.root.querySelector(".ag-stage");
    var canvas = stage && stage.querySelector(".ag-canvas canvas");
    if (!canvas || !canvas.width || !canvas.height) return;
    if (refit) {
      entry.network.fit({ animation: false });
      entry.network.redraw();
    }
    var image = stage.querySelector("img.ag-print");
    if (!image) {
      image = document.createElement("img");
      image.className = "ag-print";
      image.alt = "The network picture: " + entry.root.querySelector(".ag-title").textContent;
      stage.appendChild(image);
    }
    image.src = canvas.toDataURL("image/png");
    stage.classList.add("ag-printable");
  }

  function snapshotAll(refit) {
    (window.allegraphNetworks || []).forEach(function (entry) {
      if (entry.root.getAttribute("data-ready") === "true") snapshot(entry, refit);
    });
  }

  new MutationObserver(function () { snapshotAll(false); })
    .observe(document.body, { attributes: true, subtree: true, attributeFilter: ["data-ready"] });
  window.addEventListener("beforeprint", function () { snapshotAll(true); });
  snapshotAll(false);
})();
