/* Spanish (Chile) for Dash 4's date pickers (dcc.DatePickerSingle, dashboard/pages/home.py).

   Dash 4 formats dates with date-fns and takes its locale from window.dateFns.locale: the one
   matching the browser's language, else the first one registered. Registering only this one
   gives every browser Spanish month and weekday names and weeks from Monday, as in Chile.
   Nothing is fetched from a CDN: the few texts a picker shows are written here. */
(function () {
  "use strict";

  const MONTHS = [
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
  ];
  const MONTHS_SHORT = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
  ];
  const DAYS = ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"];
  const DAYS_SHORT = ["do", "lu", "ma", "mi", "ju", "vi", "sá"];
  const DAYS_ABBR = ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"];
  const DAYS_NARROW = ["D", "L", "M", "X", "J", "V", "S"];

  function byWidth(wide, abbreviated, narrow, short) {
    return function (index, options) {
      const width = (options && options.width) || "wide";
      if (width === "narrow") return narrow[index];
      if (width === "short" && short) return short[index];
      if (width === "abbreviated" || width === "short") return abbreviated[index];
      return wide[index];
    };
  }

  function fixed(text) {
    return function () {
      return text;
    };
  }

  function notParsed() {
    return null;
  }

  const es = {
    code: "es",
    localize: {
      ordinalNumber: (n) => n + "º",
      era: byWidth(["antes de Cristo", "después de Cristo"], ["a. C.", "d. C."], ["a", "d"]),
      quarter: byWidth(
        ["1.er trimestre", "2.º trimestre", "3.er trimestre", "4.º trimestre"],
        ["T1", "T2", "T3", "T4"],
        ["1", "2", "3", "4"],
      ),
      month: byWidth(MONTHS, MONTHS_SHORT, MONTHS.map((m) => m[0].toUpperCase())),
      day: byWidth(DAYS, DAYS_ABBR, DAYS_NARROW, DAYS_SHORT),
      dayPeriod: (period) => (period === "am" ? "a. m." : "p. m."),
    },
    formatLong: {
      date: fixed("dd-MM-y"),
      time: fixed("HH:mm"),
      dateTime: fixed("{{date}} {{time}}"),
    },
    formatDistance: (token, count) => String(count),
    formatRelative: fixed("dd-MM-y"),
    // Only numeric formats (DD-MM-YYYY) are typed into the pickers: no word is parsed.
    match: {
      ordinalNumber: notParsed,
      era: notParsed,
      quarter: notParsed,
      month: notParsed,
      day: notParsed,
      dayPeriod: notParsed,
    },
    options: { weekStartsOn: 1, firstWeekContainsDate: 4 },
  };

  window.dateFns = window.dateFns || {};
  window.dateFns.locale = { es: es };
})();
