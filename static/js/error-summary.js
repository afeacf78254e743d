// A refused form: focus goes to its error summary, so the problems are read first.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
})();
