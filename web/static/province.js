// Province view: refresh the table fragment every few seconds; a failed fetch keeps the last table.
(function () {
  var box = document.getElementById("sites"), state = document.getElementById("live-state");
  var every = parseInt(box.dataset.refresh, 10) || 5000;
  function refresh() {
    fetch(box.dataset.rows, {cache: "no-store"}).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) { box.innerHTML = html; state.classList.remove("stale"); })
      .catch(function () { state.classList.add("stale"); })
      .finally(function () { setTimeout(refresh, every); });
  }
  setTimeout(refresh, every);
})();
