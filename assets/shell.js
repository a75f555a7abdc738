/* The app frame (dashboard/shell.py): the navbar's menu on narrow screens, and "Salir". */
(function () {
  "use strict";

  /* The menu behind the toggler (below 1200 px): a tap on the toggler opens or closes it;
     following one of its links closes it, so the new page fills the screen. */
  function setMenu(open) {
    const menu = document.getElementById("shell-nav-collapse");
    const toggler = document.getElementById("shell-nav-toggler");
    if (!menu || !toggler) return;
    menu.classList.toggle("show", open);
    toggler.setAttribute("aria-expanded", open ? "true" : "false");
    toggler.setAttribute("aria-label", open ? "Cerrar el menú" : "Abrir el menú");
  }

  document.addEventListener("click", function (event) {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("#shell-nav-toggler")) {
      const menu = document.getElementById("shell-nav-collapse");
      setMenu(!(menu && menu.classList.contains("show")));
      return;
    }
    const link = target.closest("#shell-nav-collapse a[href]");
    if (link && !link.classList.contains("dropdown-toggle")) setMenu(false);
  });

  /* The logout form gets this session's CSRF token when it is sent. The app frame is kept
     and sent again to every session of the same account (dashboard/responses.py), so a token
     written into it would be another session's and the server would refuse the logout. The
     cookie `_csrf_token` (the one Dash's renderer sends as X-CSRFToken, refreshed by
     dashboard/auth.py) always holds this session's token. */
  function sessionToken() {
    const found = document.cookie.match(/(?:^|;\s*)_csrf_token=([^;]*)/);
    return found ? decodeURIComponent(found[1]) : "";
  }

  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      if (!form || form.id !== "logout-form") return;
      const field = form.querySelector("input[name=csrf_token]");
      if (field) field.value = sessionToken();
    },
    true,
  );
})();
