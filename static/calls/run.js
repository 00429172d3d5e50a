// Live progress of an import run: poll its API row once a second until it is finished.
(function () {
  const box = document.getElementById("run");
  if (!box || box.dataset.finished === "1") return;
  const set = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = value; };
  async function poll() {
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(response.status);
      const run = await response.json();
      document.getElementById("run-progress").value = run.progress_percent;
      set("run-percent", run.progress_percent);
      set("run-status", run.status);
      for (const key of ["read", "inserted", "duplicates", "rejected"]) set("run-" + key, run[key]);
      set("run-error", run.error || "");
      if (run.status === "succeeded" || run.status === "failed") {
        if (run.rejected > 0) window.location.reload();  // show the rejected rows
        return;
      }
    } catch (e) { /* keep polling: a slow server is not a failed import */ }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 500);
})();
