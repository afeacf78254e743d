/* A "Print" button (data-print) opens the browser's print dialog; it stays
   hidden without JavaScript, where the browser's own menu prints. */
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
