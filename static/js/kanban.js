// The Kanban board (templates/tasks/kanban.html): drag a card to another column. A drop only
// submits the card's own "Move to" form, the one a keyboard uses, so both go through the same
// view and services. The board answers with itself redrawn: a refused or stale move shows the
// card back where it is, with a toast saying why.
(function () {
  "use strict";

  function columns(root) {
    return root.querySelectorAll(".kanban-cards[data-status]");
  }

  function mark(card, on) {
    var targets = (card.dataset.targets || "").split(" ");
    columns(document).forEach(function (list) {
      list.classList.toggle("kanban-drop-ok", on && targets.indexOf(list.dataset.status) !== -1);
    });
  }

  function dropped(event) {
    var card = event.item;
    mark(card, false);
    if (event.to === event.from) { return; }
    var status = event.to.dataset.status;
    var board = document.getElementById("kanban-board");
    var needsText = ((board && board.dataset.needsText) || "").split(" ");
    if (needsText.indexOf(status) !== -1) {
      // Nothing changes until the words are given: the card goes back and the dialog asks.
      event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
    }
    var form = card.querySelector("form.kanban-move");
    if (!form) { return; }
    form.querySelector("select[name='to']").value = status;
    form.requestSubmit();
  }

  function setup(root) {
    if (typeof Sortable === "undefined") { return; }
    columns(root).forEach(function (list) {
      if (list.dataset.sortable) { return; }
      list.dataset.sortable = "true";
      Sortable.create(list, {
        group: {
          name: "kanban",
          pull: true,
          put: function (to, from, card) {
            return (card.dataset.targets || "").split(" ").indexOf(to.el.dataset.status) !== -1;
          }
        },
        sort: false,
        draggable: ".kanban-card",
        // Links, menus and buttons inside a card keep working as they are.
        filter: "a, button, select, input, label",
        preventOnFilter: false,
        onStart: function (event) { mark(event.item, true); },
        onEnd: dropped
      });
    });
  }

  // The board is drawn again after every move: the focus returns to the moved card's link,
  // so a keyboard user goes on from where they were.
  var moved = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-card]")) { moved = form.dataset.card; }
  });

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    setup(document);
    if (moved && event.target && event.target.id === "kanban-board") {
      var link = document.querySelector("#card-" + moved + " a");
      moved = null;
      if (link) { link.focus(); }
    }
  });

  // The server opens the dialog with the form a move needs, and closes it when the board is
  // drawn again (HX-Trigger "kanban-dialog").
  document.body.addEventListener("kanban-dialog", function (event) {
    var dialog = document.getElementById("kanban-dialog");
    if (!dialog || typeof bootstrap === "undefined") { return; }
    var modal = bootstrap.Modal.getOrCreateInstance(dialog);
    if (event.detail && event.detail.open) { modal.show(); } else { modal.hide(); }
  });
  document.body.addEventListener("shown.bs.modal", function (event) {
    var field = event.target.querySelector("textarea");
    if (field) { field.focus(); }
  });
})();
