// Hall board for a TV browser: Server-Sent Events replace the board; a new call flashes and chimes.
(function () {
  var live = document.getElementById("live"), now = live.dataset.now, es = null, last = Date.now(), audio = null;
  function tick() { var c = document.getElementById("clock"); if (c) c.textContent = new Date().toLocaleTimeString("vi-VN", {hour: "2-digit", minute: "2-digit"}); }
  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 660; g.gain.value = 0.2; o.connect(g); g.connect(audio.destination);
      o.start(); o.stop(audio.currentTime + 0.5);
    } catch (e) {}
  }
  function connect() {
    if (es) es.close();
    es = new EventSource(live.dataset.events);
    es.addEventListener("state", function (e) {
      var d = JSON.parse(e.data); last = Date.now();
      live.innerHTML = d.html; tick();
      if (d.now && String(d.now) !== String(now)) {
        live.classList.remove("flash"); void live.offsetWidth; live.classList.add("flash"); chime();
      }
      now = d.now;
    });
    es.addEventListener("ping", function () { last = Date.now(); });
  }
  setInterval(function () { tick(); if (Date.now() - last > 40000) connect(); }, 10000);
  tick(); connect();
})();
