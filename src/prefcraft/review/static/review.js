// prefcraft review: keyboard shortcuts, in-place editing and the help overlay.
// Dataset text is never touched here: the server renders it (escaped); this file only shows/hides
// elements, moves focus and submits the server-rendered forms. No innerHTML anywhere.
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function toggleHelp(show) {
    var help = $("help");
    if (!help) return;
    help.hidden = show === undefined ? !help.hidden : !show;
    if (!help.hidden) { var c = $("help-close"); if (c) c.focus(); }
  }

  function editing() {
    var form = $("edit-form");
    return !!form && !form.hidden;
  }

  function startEdit() {
    var form = $("edit-form"), view = $("view");
    if (!form) return;
    form.hidden = false;
    if (view) view.hidden = true;
    var first = $("edit-chosen-0") || form.querySelector("textarea");
    if (first) first.focus();
  }

  function cancelEdit() {
    var form = $("edit-form"), view = $("view");
    if (!form) return;
    form.hidden = true;
    if (view) view.hidden = false;
    if (document.activeElement) document.activeElement.blur();
  }

  function click(id) {
    var el = $(id);
    if (el && !el.disabled) { el.click(); return true; }
    return false;
  }

  function follow(id) {
    var el = $(id);
    if (el && el.href) window.location.assign(el.href);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var hb = $("help-button"), hc = $("help-close"), edit = $("edit"), cancel = $("cancel-edit");
    if (hb) hb.addEventListener("click", function () { toggleHelp(); });
    if (hc) hc.addEventListener("click", function () { toggleHelp(false); });
    if (edit) edit.addEventListener("click", function (ev) { ev.preventDefault(); startEdit(); });
    if (cancel) cancel.addEventListener("click", function (ev) {
      if ($("view")) { ev.preventDefault(); cancelEdit(); }
    });
    if (editing() && $("view")) $("view").hidden = true;

    var filters = $("filters");
    if (filters) {
      Array.prototype.forEach.call(filters.querySelectorAll("select"), function (s) {
        s.addEventListener("change", function () { filters.submit(); });
      });
    }
    // One submission per click: a double press must not send two actions.
    Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (f) {
      f.addEventListener("submit", function () {
        window.setTimeout(function () {
          Array.prototype.forEach.call(f.querySelectorAll("button"), function (b) { b.disabled = true; });
        }, 0);
      });
    });
  });

  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.key === "Escape") {
      if ($("help") && !$("help").hidden) { toggleHelp(false); ev.preventDefault(); return; }
      if (editing()) { cancelEdit(); ev.preventDefault(); return; }
      if (typing(t)) { t.blur(); return; }
    }
    if (typing(t)) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && t.form && t.form.id === "edit-form") {
        ev.preventDefault();
        t.form.requestSubmit();
      }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var handled = true;
    switch (ev.key) {
      case "?": toggleHelp(); break;
      case "a": handled = click("accept"); break;
      case "f": handled = click("flip"); break;
      case "r": var reason = $("reason"); if (reason) reason.focus(); else handled = false; break;
      case "e": if ($("edit-form")) startEdit(); else handled = false; break;
      case "j": follow("next"); break;
      case "k": follow("prev"); break;
      default: handled = false;
    }
    if (handled) ev.preventDefault();
  });
})();
