// @mention autocomplete for the discussion editor, loaded only on
// discussion pages. Typing "@" and the start of a username or display name
// in a textarea marked data-mention-url="/c/{id}/members/suggest" offers
// matching members of the community; choosing one inserts "@username ".
// Without this script people type the username themselves and the server
// resolves it just the same.
//
// The list is a listbox under the textarea: arrow keys move, Enter or Tab
// chooses, Escape closes. Names are inserted as text (textContent), never
// as HTML. The label of the list comes from data-mention-label, rendered
// from the message catalogue.
(function () {
  "use strict";

  // The "@name" being typed just before the caret. What may precede the "@"
  // mirrors discussion.ParseMentions: a Han, kana, Hangul or Bopomofo
  // character, or anything that is neither a letter, a digit nor part of an
  // address or URL.
  var tokenBefore = new RegExp(
    "(?:^|[^\\p{L}\\p{N}._\\-/\\\\@:+=&?#%~]|[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\p{Script=Bopomofo}])@([A-Za-z0-9._\\-\\p{Script=Han}]{0,32})$",
    "u"
  );
  var counter = 0;

  function setup(textarea) {
    var url = textarea.getAttribute("data-mention-url");
    if (!url || textarea.dataset.mentionReady) {
      return;
    }
    textarea.dataset.mentionReady = "1";
    counter += 1;
    var listId = "mention-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", textarea.getAttribute("data-mention-label") || "");
    list.hidden = true;
    textarea.insertAdjacentElement("afterend", list);
    if (textarea.parentElement) {
      textarea.parentElement.classList.add("mention-field");
    }
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", listId);
    textarea.setAttribute("aria-expanded", "false");

    var items = [];
    var active = -1;
    var pending = 0;
    var timer = null;
    var token = null; // {start, end, query} of the "@name" before the caret

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      textarea.setAttribute("aria-expanded", "false");
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(i) {
      active = i;
      for (var k = 0; k < list.children.length; k++) {
        list.children[k].setAttribute("aria-selected", k === i ? "true" : "false");
      }
      if (i >= 0 && list.children[i]) {
        textarea.setAttribute("aria-activedescendant", list.children[i].id);
        list.children[i].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(i) {
      var m = items[i];
      if (!m || !token) {
        return;
      }
      var before = textarea.value.slice(0, token.start);
      var after = textarea.value.slice(token.end);
      var insert = "@" + m.username + " ";
      textarea.value = before + insert + after;
      var caret = before.length + insert.length;
      textarea.setSelectionRange(caret, caret);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      close();
      textarea.focus();
    }

    function show(found) {
      list.textContent = "";
      items = found;
      if (!found.length) {
        close();
        return;
      }
      found.forEach(function (m, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        var name = document.createElement("span");
        name.textContent = m.name || m.username;
        var user = document.createElement("span");
        user.className = "mention-username";
        user.textContent = "@" + m.username;
        li.appendChild(name);
        li.appendChild(user);
        // mousedown, not click: choosing must happen before the textarea blurs.
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(li);
      });
      list.hidden = false;
      textarea.setAttribute("aria-expanded", "true");
      highlight(0);
    }

    function lookup() {
      var caret = textarea.selectionStart;
      if (caret !== textarea.selectionEnd) {
        close();
        return;
      }
      var m = tokenBefore.exec(textarea.value.slice(0, caret));
      if (!m) {
        token = null;
        close();
        return;
      }
      token = { start: caret - m[1].length - 1, end: caret, query: m[1] };
      var ticket = ++pending;
      fetch(url + "?q=" + encodeURIComponent(m[1]), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (resp) {
          return resp.ok ? resp.json() : [];
        })
        .then(function (found) {
          if (ticket === pending && Array.isArray(found)) {
            show(found);
          }
        })
        .catch(close);
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || !items.length) {
        return;
      }
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          highlight((active + 1) % items.length);
          break;
        case "ArrowUp":
          event.preventDefault();
          highlight((active - 1 + items.length) % items.length);
          break;
        case "Enter":
        case "Tab":
          event.preventDefault();
          choose(active < 0 ? 0 : active);
          break;
        case "Escape":
          event.preventDefault();
          close();
          break;
      }
    });
    textarea.addEventListener("blur", function () {
      setTimeout(close, 100);
    });
  }

  function setupAll(root) {
    var fields = (root || document).querySelectorAll("textarea[data-mention-url]");
    for (var i = 0; i < fields.length; i++) {
      setup(fields[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setupAll(document);
    });
  } else {
    setupAll(document);
  }
  // Forms swapped in by htmx (a re-rendered form with errors) get it too.
  document.addEventListener("htmx:afterSwap", function (event) {
    setupAll(event.detail.target);
  });
})();
