// Live tracking page: Server-Sent Events replace the state block; a call vibrates and beeps.
(function () {
  var live = document.getElementById("live"), conn = document.getElementById("conn");
  var status = live.dataset.status, call = live.dataset.call, es = null, last = Date.now(), audio = null;
  function online(ok) { conn.textContent = ok ? conn.dataset.live : conn.dataset.off; conn.className = ok ? "conn" : "conn off"; }
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.45].forEach(function (t) {
        var o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = 880; g.gain.value = 0.25; o.connect(g); g.connect(audio.destination);
        o.start(audio.currentTime + t); o.stop(audio.currentTime + t + 0.3);
      });
    } catch (e) { /* no sound allowed: the page still changes */ }
  }
  function alertCall() { if (navigator.vibrate) navigator.vibrate([400, 150, 400, 150, 400]); beep(); }
  function connect() {
    if (es) es.close();
    es = new EventSource(live.dataset.events);
    es.addEventListener("state", function (e) {
      var d = JSON.parse(e.data); last = Date.now(); online(true);
      live.innerHTML = d.html; document.body.className = "page track status-" + d.status;
      if (d.status === "called" && (status !== "called" || String(d.call) !== String(call))) alertCall();
      status = d.status; call = d.call;
    });
    es.addEventListener("ping", function () { last = Date.now(); online(true); });
    es.onerror = function () { online(false); };
  }
  // a phone that slept may hold a dead connection: reopen when shown again, or when pings stop
  document.addEventListener("visibilitychange", function () { if (!document.hidden) connect(); });
  setInterval(function () { if (Date.now() - last > 40000) connect(); }, 10000);
  document.addEventListener("click", function () {
    try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); audio.resume(); } catch (e) {}
    var hint = document.getElementById("hint"); if (hint) hint.remove();
  });
  connect();
})();
