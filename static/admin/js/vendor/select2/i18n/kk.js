/* Kazakh for the admin's autocomplete boxes (Select2 4.0). Select2 ships no Kazakh, so without
   this file a kk admin page showed "Remove all items", "Searching…" in English. Written for the
   portal; registered for "kk" in akimat/apps.py. No case ending follows a number. */
(function () {
    "use strict";
    if (!(window.jQuery && jQuery.fn && jQuery.fn.select2 && jQuery.fn.select2.amd)) {
        return;
    }
    jQuery.fn.select2.amd.define("select2/i18n/kk", [], function () {
        return {
            errorLoading: function () { return "Нәтижелерді жүктеу мүмкін болмады"; },
            inputTooLong: function (args) {
                return "Артық таңбалар саны: " + (args.input.length - args.maximum);
            },
            inputTooShort: function (args) {
                return "Тағы енгізу керек таңбалар саны: " + (args.minimum - args.input.length);
            },
            loadingMore: function () { return "Тағы жүктелуде…"; },
            maximumSelected: function (args) {
                return "Ең көбі таңдауға болатыны: " + args.maximum;
            },
            noResults: function () { return "Ештеңе табылмады"; },
            searching: function () { return "Іздеу…"; },
            removeAllItems: function () { return "Барлығын алып тастау"; },
            removeItem: function () { return "Алып тастау"; },
            search: function () { return "Іздеу"; }
        };
    });
}());
