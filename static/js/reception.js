// The reception's only script: a Print button prints the ticket (the print styles in
// reception.css leave nothing else on the page).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
