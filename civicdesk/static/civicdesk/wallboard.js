// The wallboard: the page arrives with the board drawn; this keeps it current from the centre's websocket
// (/ws/wallboard/<centre>/) and lets the clocks run between snapshots. Text goes in with textContent only.
(function () {
  var board = document.querySelector("[data-wallboard]");
  if (!board) return;
  var labels = JSON.parse(document.getElementById("wallboard-labels").textContent);
  var language = board.getAttribute("data-language") || "en";
  var skew = 0; // how far this screen's clock is ahead of the server's
  var lastAlerts = null;

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    var total = Math.max(0, Math.round(seconds));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }
  function percent(share) {
    return share === null || share === undefined ? "–" : Math.round(share * 100) + " %";
  }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function cell(tag, text, attrs) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (tag === "th") el.setAttribute("scope", "row");
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }
  function rows(name, items, build, emptyText, columns) {
    var body = board.querySelector('[data-rows="' + name + '"]');
    if (!body) return;
    var fresh = document.createDocumentFragment();
    items.forEach(function (item) {
      var tr = document.createElement("tr");
      build(item, tr);
      fresh.appendChild(tr);
    });
    if (!items.length && emptyText) {
      var tr = document.createElement("tr");
      tr.appendChild(cell("td", emptyText, { colspan: String(columns) }));
      fresh.appendChild(tr);
    }
    body.replaceChildren(fresh);
  }
  function field(path, snapshot) {
    return path.split(".").reduce(function (value, key) { return value == null ? value : value[key]; }, snapshot);
  }
  function tick() {
    var now = Date.now() - skew;
    board.querySelectorAll("[data-since]").forEach(function (el) {
      var since = el.getAttribute("data-since");
      el.textContent = since ? duration((now - Date.parse(since)) / 1000) : duration(0);
    });
    var longest = 0;
    board.querySelectorAll('[data-rows="queues"] [data-since]').forEach(function (el) {
      var since = el.getAttribute("data-since");
      if (since) longest = Math.max(longest, (now - Date.parse(since)) / 1000);
    });
    var tile = board.querySelector('[data-field="longest_wait_s"]');
    if (tile) tile.textContent = duration(longest);
  }

  function draw(snapshot) {
    skew = Date.now() - Date.parse(snapshot.at);
    board.querySelectorAll("[data-field]").forEach(function (el) {
      var path = el.getAttribute("data-field");
      var value = field(path, snapshot);
      if (path === "at") {
        el.setAttribute("datetime", snapshot.at);
        el.textContent = new Date(snapshot.at).toLocaleTimeString(language);
      } else if (el.hasAttribute("data-duration")) {
        el.textContent = duration(value);
      } else if (value !== undefined) {
        el.textContent = value;
      }
    });
    rows("queues", snapshot.queues, function (q, tr) {
      if (q.alert) tr.className = "cd-alerting";
      tr.appendChild(cell("th", q.name));
      tr.appendChild(cell("td", q.waiting));
      tr.appendChild(cell("td", duration(q.longest_wait_s), { "data-since": q.oldest_entered_at || "" }));
      tr.appendChild(cell("td", q.answered_today + " / " + q.offered_today));
      tr.appendChild(cell("td", percent(q.service_level_today)));
    });
    rows("municipalities", snapshot.municipalities, function (m, tr) {
      tr.appendChild(cell("th", m.name));
      tr.appendChild(cell("td", m.offered));
      tr.appendChild(cell("td", m.answered));
      tr.appendChild(cell("td", m.lost));
      tr.appendChild(cell("td", percent(m.service_level)));
    }, labels.no_calls, 5);
    rows("agents", snapshot.agents, function (a, tr) {
      var name = cell("th", a.name + " ");
      var code = document.createElement("span");
      code.className = "cd-help";
      code.textContent = a.code;
      name.appendChild(code);
      tr.appendChild(name);
      tr.appendChild(cell("td", labels.states[a.state] || a.state, { "data-state": a.state }));
      tr.appendChild(cell("td", "–", { "data-since": a.since }));
    }, labels.no_agents, 3);
    var alerts = JSON.stringify(snapshot.alerts);
    if (alerts !== lastAlerts) {
      lastAlerts = alerts;
      var region = board.querySelector("[data-alerts]");
      var fresh = document.createDocumentFragment();
      snapshot.alerts.forEach(function (alert) {
        var box = document.createElement("div");
        box.className = "ds-alert";
        box.setAttribute("data-color", "warning");
        var text = alert.kind === "length"
          ? format(labels.alert_length, { queue: alert.queue_name, n: alert.value })
          : format(labels.alert_wait, { queue: alert.queue_name, s: alert.value });
        box.appendChild(cell("p", text, { class: "ds-paragraph" }));
        fresh.appendChild(box);
      });
      region.replaceChildren(fresh);
    }
    board.setAttribute("data-updated", snapshot.at);
    tick();
  }

  var connection = board.querySelector("[data-connection]");
  var retry = 1000;
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/wallboard/" + board.getAttribute("data-center") + "/");
    socket.onopen = function () { retry = 1000; board.setAttribute("data-live", "true"); };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type !== "snapshot") return;
      if (connection.firstChild && connection.firstChild.nodeType === 3) connection.firstChild.textContent = labels.live + " ";
      draw(message.snapshot);
    };
    socket.onclose = function () {
      board.setAttribute("data-live", "false");
      if (connection.firstChild && connection.firstChild.nodeType === 3) connection.firstChild.textContent = labels.reconnecting + " ";
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  lastAlerts = null;
  tick();
  setInterval(tick, 1000);
  connect();
})();
