// The book's explorers follow their controls with no kernel.
//
// When a chapter is executed, every explorer it shows is drawn at each point of its live
// grid (dlcore/viz/frames.py); _static/frames/<chapter>.js describes those frames and calls
// dlcoreFrames.register. When the widgets' HTML manager displays an explorer that has
// frames, its live controls are watched: a move snaps each control to the nearest value
// drawn, and the frame for those values replaces the picture (a slice of a WebP sheet) and
// the readout. The other controls are disabled, and a note under the figure names them.
// Without this script, or with scripts off, the stored default figure stays.
(function () {
  "use strict";
  var here = document.currentScript.src;
  var base = here.substring(0, here.lastIndexOf("/") + 1) + "frames/";
  var described = {};
  var loading = {};

  window.dlcoreFrames = {
    // Called by each chapter's frames script: explorer model id -> its description.
    register: function (explorers) {
      Object.keys(explorers).forEach(function (id) { described[id] = explorers[id]; });
    },
    // Explorer model id -> the index of the frame shown (read by the browser test).
    shown: {},
    explorers: described,
  };

  function load(url) {
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var picture = new Image();
        picture.onload = function () { resolve(url); };
        picture.onerror = function () { reject(new Error("dlcore frames: cannot load " + url)); };
        picture.src = url;
      });
    }
    return loading[url];
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  // The index of the grid value closest to what the control holds. A number that moved off
  // the grid value ``from`` but is still nearest to it (one keyboard step on a fine slider)
  // goes on to the next grid value in the direction it moved.
  function nearest(values, value, from) {
    var best = 0;
    for (var i = 0; i < values.length; i++) {
      if (same(values[i], value)) return i;
      if (typeof value === "number" && Math.abs(values[i] - value) < Math.abs(values[best] - value)) best = i;
    }
    if (typeof value === "number" && best === from) {
      best = Math.min(values.length - 1, Math.max(0, best + (value > values[best] ? 1 : -1)));
    }
    return best;
  }

  // Frames are stored with the last live control varying fastest.
  function frameIndex(grid, indices) {
    return indices.reduce(function (index, position, axis) { return index * grid[axis].length + position; }, 0);
  }

  function firstView(model) {
    var views = Object.keys(model.views || {}).map(function (key) { return model.views[key]; });
    return Promise.all(views).then(function (all) { return all[0]; });
  }

  function note(spec) {
    var labels = function (names) {
      return names.map(function (name) { return "“" + spec.controls[name].label + "”"; }).join(", ");
    };
    var fixed = Object.keys(spec.controls).filter(function (name) { return spec.live.indexOf(name) < 0; });
    var element = document.createElement("p");
    element.className = "dlcore-frames-note";
    element.textContent = "In this page the figure follows " + labels(spec.live) + " (" + spec.frames.length +
      " figures drawn in advance; the nearest is shown)." +
      (fixed.length ? " Moving " + labels(fixed) + " needs the notebook: launch it from the top of the page." : "");
    return element;
  }

  function attach(view) {
    var id = view.model.model_id, spec = described[id];
    if (!spec || (view.model.get("_dom_classes") || []).indexOf("dlcore-explorer") < 0) return Promise.resolve();
    var manager = view.model.widget_manager, names = Object.keys(spec.controls);
    var wanted = [spec.image, spec.readout].concat(names.map(function (name) { return spec.controls[name].model; }));
    return Promise.all(wanted.map(function (model) { return manager.get_model(model); })).then(function (models) {
      var image = models[0], readout = models[1], controls = {};
      names.forEach(function (name, i) { controls[name] = models[i + 2]; });
      return firstView(image).then(function (imageView) {
        var picture = imageView.el, frame = document.createElement("div"), [width, height] = spec.size;
        var syncing = false, wanted = null, at = null, preloaded = false;
        frame.className = "dlcore-frame";
        frame.setAttribute("role", "img");
        frame.setAttribute("aria-label", "figure drawn for the values of the controls above");
        frame.style.maxWidth = width + "px";
        frame.style.aspectRatio = width + " / " + height;
        frame.hidden = true;
        picture.parentNode.insertBefore(frame, picture.nextSibling);
        view.el.appendChild(note(spec));

        function show(index) {
          var sheet = Math.floor(index / spec.per_sheet), row = index % spec.per_sheet;
          var rows = Math.min(spec.per_sheet, spec.frames.length - sheet * spec.per_sheet), url = base + spec.sheets[sheet];
          wanted = index;
          return load(url).then(function () {
            if (wanted !== index) return;  // the reader has moved on
            frame.style.backgroundImage = 'url("' + url + '")';
            frame.style.backgroundSize = "100% " + rows * 100 + "%";
            frame.style.backgroundPosition = "0 " + (rows > 1 ? (row / (rows - 1)) * 100 : 0) + "%";
            frame.hidden = false;
            picture.style.display = "none";
            readout.set("value", spec.frames[index].readout);
            frame.dataset.frame = String(index);
            window.dlcoreFrames.shown[id] = index;
          });
        }

        function follow() {
          if (syncing) return;
          var indices = spec.live.map(function (name, axis) {
            return nearest(spec.grid[axis], controls[name].get(spec.controls[name].trait), at && at[axis]);
          });
          at = indices;
          var index = frameIndex(spec.grid, indices), state = spec.frames[index].state;
          syncing = true;  // the frame's values, set back on the controls, must not call follow again
          try {
            names.forEach(function (name) {
              var trait = spec.controls[name].trait;
              if (!same(controls[name].get(trait), state[name])) controls[name].set(trait, state[name]);
            });
          } finally {
            syncing = false;
          }
          show(index).catch(function (error) { console.warn(error.message); });
          if (!preloaded) {  // the reader is moving this one: fetch the rest of its sheets now
            preloaded = true;
            spec.sheets.forEach(function (sheet) { load(base + sheet).catch(function () {}); });
          }
        }

        at = spec.live.map(function (name, axis) {  // where the stored figure stands
          return nearest(spec.grid[axis], controls[name].get(spec.controls[name].trait));
        });
        view.el.dataset.dlcoreExplorer = id;
        names.forEach(function (name) {
          var control = controls[name];
          if (spec.live.indexOf(name) < 0) {
            control.set("disabled", true);
          } else {
            control.on("change:" + spec.controls[name].trait, follow);
          }
        });
        return Promise.all(names.map(function (name) { return firstView(controls[name]); })).then(function (views) {
          views.forEach(function (controlView, i) { if (controlView) controlView.el.dataset.dlcoreControl = names[i]; });
          view.el.classList.add("dlcore-frames-ready");
        });
      });
    });
  }

  require(["@jupyter-widgets/html-manager"], function (htmlManager) {
    var prototype = htmlManager.HTMLManager.prototype, display = prototype.display_view;
    prototype.display_view = function (view) {
      var shown = display.apply(this, arguments);
      Promise.resolve(shown).then(function () { return attach(view); }).catch(function (error) {
        console.warn("dlcore frames: " + error);
      });
      return shown;
    };
  });
})();
