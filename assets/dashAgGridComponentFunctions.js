/* Cell renderers for dash-ag-grid (looked up by name in columnDefs "cellRenderer").
   Several pages add renderers here: append a block, never rewrite another block. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions =
  window.dashAgGridComponentFunctions || {});

/* --- Goals table (dashboard/goal_grid.py). Words, icons and classes come in the row data,
   computed in Python (dashboard.components), so the grid and the rest of the screens agree. */

/* The goal's name linking to /meta/<codigo>: a dcc.Link (no page reload) when Dash's core
   components are loaded, else a plain link. */
dagcomponentfuncs.GoalLink = function (props) {
  var data = props.data || {};
  var children = [
    React.createElement("span", { className: "goal-code", key: "c" }, data.codigo_meta),
    " ",
    props.value,
  ];
  var Link = window.dash_core_components && window.dash_core_components.Link;
  if (Link) {
    return React.createElement(Link, { href: data.href, className: "goal-link" }, children);
  }
  return React.createElement("a", { href: data.href, className: "goal-link" }, children);
};

/* A traffic light as icon + word, never colour alone. */
dagcomponentfuncs.LightBadge = function (props) {
  var data = props.data || {};
  if (!data.semaforo_texto) {
    return null;
  }
  return React.createElement(
    "span",
    { className: "light light-" + data.semaforo_clase, title: data.semaforo_ayuda },
    React.createElement("i", { className: "bi " + data.semaforo_icono + " me-1", "aria-hidden": "true" }),
    data.semaforo_texto
  );
};

/* Thermometer: progress bar clipped to 0-100 %, a mark where it should be, the true value as text. */
dagcomponentfuncs.Thermometer = function (props) {
  var data = props.data || {};
  var clip = function (x) { return Math.min(Math.max(x, 0), 1) * 100; };
  var parts = [];
  if (data.avance !== null && data.avance !== undefined) {
    parts.push(React.createElement("div", { className: "thermo-fill", key: "f", style: { width: clip(data.avance).toFixed(1) + "%" } }));
  }
  if (data.esperado !== null && data.esperado !== undefined) {
    parts.push(React.createElement("div", { className: "thermo-mark", key: "m", style: { left: clip(data.esperado).toFixed(1) + "%" } }));
  }
  return React.createElement(
    "div",
    { className: "thermometer", title: data.termometro_ayuda },
    React.createElement("div", { className: "thermo-bar", role: "img", "aria-label": data.termometro_ayuda }, parts),
    React.createElement("span", { className: "thermo-value" }, data.avance_texto)
  );
};
