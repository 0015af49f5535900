// The staff queue refreshes its waiting list itself (htmx polls it). A ticket that arrives while
// the page is open is highlighted for a minute, read out to a screen reader and, once the person
// has touched the page (browsers allow sound only after that), announced by a short beep, unless
// the sound is switched off with the button beside the heading (remembered in this browser).
(function () {
  "use strict";
  var KEY = "reception-queue-sound";
  var HIGHLIGHT_MS = 60000;
  var firstSeen = null; // ticket id → when this page first showed it; null before the first look
  var lastSection = null;
  var audio = null;
  var chosen = null; // the choice made on this page, when the browser keeps no storage

  function soundOn() {
    try {
      return window.localStorage.getItem(KEY) !== "off";
    } catch (error) {
      return chosen !== "off";
    }
  }

  function unlock() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
  }

  function beep() {
    if (!audio || !soundOn() || audio.state !== "running") return;
    var start = audio.currentTime;
    var tone = audio.createOscillator();
    var volume = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = 880;
    volume.gain.setValueAtTime(0.0001, start);
    volume.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
    tone.connect(volume);
    volume.connect(audio.destination);
    tone.start(start);
    tone.stop(start + 0.32);
    document.body.dataset.queueBeeps = String(Number(document.body.dataset.queueBeeps || 0) + 1);
  }

  function look() {
    var section = document.getElementById("queue-waiting");
    if (!section || section === lastSection) return;
    lastSection = section;
    var now = Date.now();
    var rows = Array.prototype.slice.call(section.querySelectorAll("[data-visit]"));
    var initial = firstSeen === null;
    if (initial) firstSeen = {};
    var arrived = [];
    rows.forEach(function (row) {
      var id = row.getAttribute("data-visit");
      if (!(id in firstSeen)) {
        firstSeen[id] = initial ? 0 : now;
        if (!initial) arrived.push(row);
      }
      if (firstSeen[id] && now - firstSeen[id] < HIGHLIGHT_MS) row.classList.add("queue-row-new");
    });
    if (!arrived.length) return;
    var announce = document.querySelector("[data-queue-announce]");
    if (announce) {
      var tickets = arrived.map(function (row) {
        return row.querySelector("strong").textContent;
      });
      announce.textContent = announce.getAttribute("data-text") + " " + tickets.join(", ");
    }
    beep();
  }

  function showToggle() {
    var button = document.querySelector("[data-queue-sound]");
    if (!button) return;
    button.hidden = false;
    button.setAttribute("aria-pressed", soundOn() ? "true" : "false");
    button.classList.toggle("active", soundOn());
    button.addEventListener("click", function () {
      var on = !soundOn();
      chosen = on ? "on" : "off";
      try {
        window.localStorage.setItem(KEY, on ? "on" : "off");
      } catch (error) {
        // No storage (a private window): the choice lasts until the page is left.
      }
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.classList.toggle("active", on);
    });
  }

  document.addEventListener("pointerdown", unlock, true);
  document.addEventListener("keydown", unlock, true);
  document.addEventListener("DOMContentLoaded", function () {
    showToggle();
    look();
  });
  document.body.addEventListener("htmx:load", look);
})();
