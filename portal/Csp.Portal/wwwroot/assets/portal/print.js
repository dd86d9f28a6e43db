// The governance pack's "Print this pack" button: shown only when JavaScript runs, it opens the browser's print dialogue
// (print.css lays the pack out for A4).
document.querySelectorAll('.csp-print-button').forEach(function (button) {
  button.hidden = false;
  button.addEventListener('click', function () { window.print(); });
});
document.querySelectorAll('.csp-print-hint').forEach(function (hint) { hint.hidden = true; });
