/* learnact report: episode navigation (no libraries, nothing loaded from anywhere). */
(function () {
  "use strict";
  document.body.classList.add("js");
  var episodes = document.querySelectorAll("article.episode");
  var links = document.querySelectorAll("#episodes a");
  function show(id) {
    var target = id && document.getElementById(id);
    if (!target || !target.classList.contains("episode")) {
      if (target && target.closest) {
        var d = target.closest("details");
        while (d) { d.open = true; d = d.parentElement && d.parentElement.closest("details"); }
      }
      if (document.querySelector("article.episode.shown")) return;
      target = episodes[0];
    }
    if (!target) return;
    episodes.forEach(function (e) { e.classList.toggle("shown", e === target); });
    links.forEach(function (a) {
      a.classList.toggle("current", a.getAttribute("href") === "#" + target.id);
    });
  }
  window.addEventListener("hashchange", function () { show(location.hash.slice(1)); });
  show(location.hash.slice(1));
  var filter = document.getElementById("epfilter");
  if (filter) {
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      document.querySelectorAll("#episodes li").forEach(function (li) {
        var text = li.getAttribute("data-text").toLowerCase();
        li.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.target && ev.target.tagName === "INPUT") return;
    if (ev.key !== "j" && ev.key !== "k") return;
    var visible = Array.prototype.filter.call(links, function (a) { return !a.parentElement.hidden; });
    var i = visible.findIndex(function (a) { return a.classList.contains("current"); });
    var next = visible[i + (ev.key === "j" ? 1 : -1)];
    if (next) location.hash = next.getAttribute("href");
  });
})();
