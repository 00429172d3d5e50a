/* Live progress bars (templates/includes/progress.html): poll each bar's JSON URL
   ({status, done, total, percent, message, summary, errors, finished}) until the job is finished.
   No framework; safe to include more than once. */
(function () {
  "use strict";
  if (window.portalProgress) { return; }

  function text(el, value) { if (el) { el.textContent = value; } }

  function render(box, data) {
    var bar = box.querySelector(".progress-bar");
    var track = box.querySelector("[role=progressbar]");
    var percent = data.percent;
    box.dataset.status = data.status;
    if (percent !== null && percent !== undefined) {
      bar.style.width = percent + "%";
      track.setAttribute("aria-valuenow", String(percent));
    } else {
      track.removeAttribute("aria-valuenow");  // indeterminate: total not known yet
    }
    var count = data.total ? data.done + " " + box.dataset.textOf + " " + data.total : String(data.done || 0);
    text(box.querySelector(".progress-count"), count);
    var head = data.status === "done" ? box.dataset.textDone : data.status === "failed" ? box.dataset.textFailed : "";
    text(box.querySelector(".progress-message"), [head, data.message || ""].join(" ").trim());
    if (data.finished) { showSummary(box, data); }
  }

  function showSummary(box, data) {
    var summary = box.querySelector(".progress-summary");
    var keep = summary.querySelector("p");  // the "open the result" link, if the page gave one
    summary.textContent = "";
    var names = Object.keys(data.summary || {});
    if (names.length) {
      var dl = document.createElement("dl");
      dl.className = "facts";
      names.forEach(function (name) {
        var dt = document.createElement("dt"); dt.textContent = name;
        var dd = document.createElement("dd"); dd.textContent = data.summary[name];
        dl.appendChild(dt); dl.appendChild(dd);
      });
      summary.appendChild(dl);
    }
    if (data.errors && data.errors.length) {
      var h = document.createElement("h3"); h.textContent = box.dataset.textErrors;
      var ul = document.createElement("ul"); ul.className = "errorlist";
      data.errors.forEach(function (e) { var li = document.createElement("li"); li.textContent = e; ul.appendChild(li); });
      summary.appendChild(h); summary.appendChild(ul);
    }
    if (keep) { summary.appendChild(keep); }
    summary.hidden = false;
  }

  function watch(box) {
    var url = box.dataset.progressUrl;
    var interval = parseInt(box.dataset.interval, 10) || 1000;
    var failures = 0;
    function poll() {
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}, cache: "no-store"})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          failures = 0;
          render(box, data);
          if (data.finished) {
            box.dispatchEvent(new CustomEvent("progress:finished", {bubbles: true, detail: data}));
            if (box.dataset.reloadWhenDone) { window.location.reload(); }
          } else {
            window.setTimeout(poll, interval);
          }
        })
        .catch(function () {
          failures += 1;
          text(box.querySelector(".progress-message"), box.dataset.textLost);
          window.setTimeout(poll, Math.min(30000, interval * Math.pow(2, failures)));  // back off
        });
    }
    if (box.dataset.status !== "done" && box.dataset.status !== "failed") { poll(); }
  }

  window.portalProgress = {watch: watch, render: render};
  function start() { document.querySelectorAll("[data-progress-url]").forEach(watch); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
