// The counter's shortcuts: a single key presses the button that shows it
// (data-shortcut), the same in every browser, unlike accesskey, which is
// Alt+Shift in Firefox and Alt in Chrome and Cốc Cốc. Ignored while typing in
// a field or with a modifier held; without this script the buttons still work.
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.repeat) {
      return;
    }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    if (!/^[1-9]$/.test(event.key)) {
      return;
    }
    var button = document.querySelector('[data-shortcut="' + event.key + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
})();
