// Coding an interview transcript by selecting text, loaded only on the
// coding view (templates/pages/interview_record.html). Selecting a passage
// in #transcript fills the coding form: the hidden start and end fields
// with offsets counted in Unicode code points (the unit the server uses,
// so that Chinese text and emoji count as one character each, not as the
// UTF-16 units JavaScript strings are made of) and the quote field with
// the passage, which the server checks against the offsets.
//
// Without this script the form still works: the coder pastes or types the
// passage into the quote field, and the server finds it in the transcript.
// Typing in the quote field clears the offsets for the same reason.
//
// The transcript element's text is exactly the stored transcript (coded
// stretches are <mark> elements around plain text), so the text of a range
// from its start to a point is the transcript up to that point.
(function () {
  "use strict";

  // codePoints counts the code points of a string, pairing surrogates.
  function codePoints(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          i++;
        }
      }
      n++;
    }
    return n;
  }

  function setup(transcript) {
    var form = document.getElementById(transcript.getAttribute("data-form") || "");
    if (!form) {
      return;
    }
    var start = form.querySelector('input[name="start"]');
    var end = form.querySelector('input[name="end"]');
    var quote = form.querySelector('textarea[name="quote"]');
    var occurrence = form.querySelector('input[name="occurrence"]');
    var info = document.getElementById("selection-info");
    if (!start || !end || !quote) {
      return;
    }

    function say(text) {
      if (info) {
        info.textContent = text;
      }
    }

    // offset is the number of code points from the transcript's start to
    // a boundary point inside it.
    function offset(node, at) {
      var r = document.createRange();
      r.setStart(transcript, 0);
      r.setEnd(node, at);
      return codePoints(r.toString());
    }

    function capture() {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) {
        return;
      }
      var range = sel.getRangeAt(0);
      var whole = document.createRange();
      whole.selectNodeContents(transcript);
      // Only a selection that touches the transcript counts; clip it to it.
      if (range.compareBoundaryPoints(Range.END_TO_START, whole) >= 0 ||
          range.compareBoundaryPoints(Range.START_TO_END, whole) <= 0) {
        return;
      }
      var r = range.cloneRange();
      if (r.compareBoundaryPoints(Range.START_TO_START, whole) < 0) {
        r.setStart(whole.startContainer, whole.startOffset);
      }
      if (r.compareBoundaryPoints(Range.END_TO_END, whole) > 0) {
        r.setEnd(whole.endContainer, whole.endOffset);
      }
      var text = r.toString();
      if (text.replace(/\s+/g, "") === "") {
        return;
      }
      var a = offset(r.startContainer, r.startOffset);
      var b = a + codePoints(text);
      start.value = String(a);
      end.value = String(b);
      quote.value = text;
      if (occurrence) {
        occurrence.value = "";
      }
      var template = info ? info.getAttribute("data-template") || "" : "";
      say(template.replace("{n}", String(b - a)).replace("{start}", String(a + 1)).replace("{end}", String(b)));
    }

    transcript.addEventListener("mouseup", function () { window.setTimeout(capture, 0); });
    transcript.addEventListener("keyup", function (event) {
      if (event.shiftKey || event.key === "Shift") {
        capture();
      }
    });
    transcript.addEventListener("touchend", function () { window.setTimeout(capture, 0); });

    // A passage typed by hand is found by the server: offsets would lie.
    quote.addEventListener("input", function () {
      start.value = "";
      end.value = "";
      say("");
    });

    // Clicking a coded stretch (without selecting) shows its segment below.
    transcript.addEventListener("click", function (event) {
      var sel = window.getSelection();
      if (sel && !sel.isCollapsed) {
        return;
      }
      var mark = event.target.closest ? event.target.closest("mark[data-segments]") : null;
      if (!mark) {
        return;
      }
      var id = (mark.getAttribute("data-segments") || "").split(" ")[0];
      var item = id && document.getElementById("segment-" + id);
      if (item) {
        item.scrollIntoView({ block: "center" });
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", "#segment-" + id);
        }
      }
    });
  }

  function init() {
    var t = document.getElementById("transcript");
    if (t) {
      setup(t);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
