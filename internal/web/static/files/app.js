// Yanxiu's own script: small progressive enhancements. Every page works
// without it; it only makes common actions smoother. Texts shown to people
// come from the page (data-* attributes rendered from the message
// catalogue), never from this file, so both languages stay in one place.
//
// Hooks for templates:
//   <meta name="csrf-token" content="...">   sent as X-CSRF-Token on htmx requests
//   data-confirm="text"      on a form, a submit button or a link: ask first
//   data-autosubmit          on a select or input: submit its form on change
//   data-warn-unsaved="text" on a form: warn before leaving with unsaved edits
//   data-preview="#img"      on a file input: show the chosen image in #img
//   .flash-close             inside a .flash: remove the message
//
// Load it after htmx (both with defer, htmx first) so that the htmx settings
// below apply.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx requests carry the CSRF token as a header; plain forms carry it as a
  // hidden field rendered by the server.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRF-Token"] = token;
    }
  });

  // A 422 answer carries the form re-rendered with field errors: swap it in
  // like a success, and move focus to the first invalid field.
  if (window.htmx && window.htmx.config && Array.isArray(window.htmx.config.responseHandling)) {
    window.htmx.config.responseHandling.unshift({ code: "422", swap: true, error: false });
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var invalid = event.detail.target && event.detail.target.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    }
  });

  // Confirmation before destructive actions. Listening in the capture phase
  // lets a refusal stop the event before htmx or the browser acts on it.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var message =
        (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
  document.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest && event.target.closest("a[data-confirm]");
      if (link && !window.confirm(link.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // Submit on change, e.g. the language switch; the form keeps a submit
  // button inside <noscript> for browsers without JavaScript.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      if (typeof field.form.requestSubmit === "function") {
        field.form.requestSubmit();
      } else {
        field.form.submit();
      }
    }
  });

  // Warn before leaving a form with edits that were not saved.
  var dirtyForms = new Set();
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved")) {
      dirtyForms.add(form);
    }
  });
  document.addEventListener("submit", function (event) {
    dirtyForms.delete(event.target);
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirtyForms.size > 0) {
      var form = dirtyForms.values().next().value;
      event.preventDefault();
      // Most browsers show their own text; older ones use this one.
      event.returnValue = form.getAttribute("data-warn-unsaved") || "";
      return event.returnValue;
    }
  });

  // Preview a chosen image (avatar upload) before it is sent.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('input[type="file"][data-preview]')) {
      return;
    }
    var img = document.querySelector(input.getAttribute("data-preview"));
    var file = input.files && input.files[0];
    if (!img || !file || !/^image\//.test(file.type)) {
      return;
    }
    if (img.dataset.objectUrl) {
      URL.revokeObjectURL(img.dataset.objectUrl);
    }
    img.dataset.objectUrl = URL.createObjectURL(file);
    img.src = img.dataset.objectUrl;
  });

  // Dismiss a flash message.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".flash-close");
    if (button) {
      var flash = button.closest(".flash");
      if (flash) {
        flash.remove();
      }
    }
  });
})();
