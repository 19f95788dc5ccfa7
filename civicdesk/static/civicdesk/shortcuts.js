// Keyboard shortcuts: Alt+<key> presses the button or focuses the field that declares it in
// aria-keyshortcuts (so the shortcut is also announced by screen readers).
document.addEventListener("keydown", function (event) {
  if (!event.altKey || event.ctrlKey || event.metaKey) return;
  var key = "Alt+" + (event.key.length === 1 ? event.key.toUpperCase() : event.key);
  var target = document.querySelector('[aria-keyshortcuts="' + key + '"]');
  if (!target) return;
  event.preventDefault();
  if (target.tagName === "BUTTON") target.click(); else target.focus();
});
