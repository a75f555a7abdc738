/* Uploading a file on /datos (dashboard/uploads/views.py): drop or choose a file, send it with
   the session's CSRF token, and hand the queued job's number to the page, which then follows
   it. The zone is found by delegation: Dash draws the page after this script runs. */
(function () {
  "use strict";

  const ZONE = "carga-zona";
  const INPUT = "carga-archivo";

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  function csrfToken() {
    const found = document.cookie.split("; ").find(function (c) {
      return c.indexOf("_csrf_token=") === 0;
    });
    return found ? decodeURIComponent(found.slice("_csrf_token=".length)) : "";
  }

  function reason(xhr) {
    try {
      const body = JSON.parse(xhr.responseText);
      if (body && body.error) return body.error;
    } catch (ignored) {
      /* not JSON: the text itself (e.g. the CSRF refusal) */
    }
    return xhr.responseText || "No se pudo enviar el archivo (error " + xhr.status + ").";
  }

  function send(file, zone) {
    const limit = Number(zone.dataset.limit || "0");
    setProps("carga-error", { children: "" });
    if (limit && file.size > limit) {
      setProps("carga-error", {
        children: "El archivo supera el máximo de " + zone.dataset.limitText +
          "; no se cargó nada.",
      });
      return;
    }
    const form = new FormData();
    form.append("archivo", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", zone.dataset.url);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.upload.onprogress = function (event) {
      if (!event.lengthComputable) return;
      const percent = Math.round((100 * event.loaded) / event.total);
      setProps("carga-envio", { children: "Enviando " + file.name + ": " + percent + " %" });
    };
    xhr.onload = function () {
      setProps("carga-envio", { children: "" });
      if (xhr.status === 202) {
        const body = JSON.parse(xhr.responseText);
        setProps("carga-trabajo", { data: { trabajo: body.trabajo } });
      } else {
        setProps("carga-error", { children: reason(xhr) });
      }
    };
    xhr.onerror = function () {
      setProps("carga-envio", { children: "" });
      setProps("carga-error", { children: "No se pudo enviar el archivo; revise la conexión." });
    };
    setProps("carga-envio", { children: "Enviando " + file.name + "…" });
    xhr.send(form);
  }

  /* Dash has no file input: one is added to the zone's slot whenever the zone is drawn. */
  function addInput() {
    const zone = document.getElementById(ZONE);
    if (!zone || document.getElementById(INPUT)) return;
    const slot = zone.querySelector(".carga-entrada") || zone;
    const input = document.createElement("input");
    input.type = "file";
    input.id = INPUT;
    input.accept = zone.dataset.accept || "";
    input.className = "form-control";
    slot.appendChild(input);
  }
  new MutationObserver(addInput).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });

  document.addEventListener("change", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.id !== INPUT || !input.files) return;
    const zone = document.getElementById(ZONE);
    if (zone && input.files.length) send(input.files[0], zone);
    input.value = "";
  });

  function zoneOf(event) {
    const target = event.target instanceof Element ? event.target : null;
    return target ? target.closest("#" + ZONE) : null;
  }

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      const zone = zoneOf(event);
      if (!zone) return;
      event.preventDefault();
      zone.classList.add("border-primary", "bg-light");
    });
  });
  document.addEventListener("dragleave", function (event) {
    const zone = zoneOf(event);
    if (zone) zone.classList.remove("border-primary", "bg-light");
  });
  document.addEventListener("drop", function (event) {
    const zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("border-primary", "bg-light");
    const files = event.dataTransfer ? event.dataTransfer.files : null;
    if (files && files.length) send(files[0], zone);
  });
})();
