// Two adjustments so that the stored widgets render offline, from the book's own files.
//
// 1. Each module of the widgets' HTML manager finds its icon fonts next to the URL that
//    RequireJS gives its name: map every name into _static/html-manager, where the fonts
//    are, from a page at any depth.
// 2. Widgets typeset math in their labels with MathJax 2's MathJax.Hub.Queue; the book
//    loads MathJax 3, which has no Hub. Every object assigned to window.MathJax (the
//    configuration, then MathJax 3 itself) gets a Hub whose Queue calls typesetPromise.
(function () {
  var here = document.currentScript.src;
  var staticRoot = here.substring(0, here.lastIndexOf("/") + 1);
  var paths = { "@jupyter-widgets/html-manager/dist": staticRoot + "html-manager" };
  ["base", "base7", "controls", "controls7", "html-manager"].forEach(function (name) {
    paths["@jupyter-widgets/" + name] = staticRoot + "html-manager/" + name;  // defined inline, never fetched
  });
  require.config({ paths: paths });

  var hub = {
    Queue: function (job) {
      var element = job && job[2];
      if (element && window.MathJax && window.MathJax.typesetPromise) {
        window.MathJax.typesetPromise([element]).catch(function () {});
      }
    },
  };
  function withHub(value) {
    if (value && typeof value === "object" && !value.Hub) {
      value.Hub = hub;
    }
    return value;
  }
  var mathJax = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: function () { return mathJax; },
    set: function (value) { mathJax = withHub(value); },
  });
})();
