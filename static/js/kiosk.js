/* Kiosk mode: after the idle time without use, start again for the next
   person (the reset form in the footer). Without JavaScript a meta refresh
   does the same. */
(function () {
  var form = document.getElementById("kiosk-reset");
  if (!form) return;
  var timer, idle = parseInt(form.getAttribute("data-idle-seconds"), 10) * 1000;
  function restart() {
    clearTimeout(timer);
    timer = setTimeout(function () { form.submit(); }, idle);
  }
  ["keydown", "pointerdown", "pointermove", "touchstart", "scroll", "input"].forEach(function (name) {
    addEventListener(name, restart, { passive: true });
  });
  restart();
})();
