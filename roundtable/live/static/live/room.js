// The live room: renders the room snapshot, follows it over a WebSocket, and counts the
// clock down locally from the server's timestamps (never from per-second messages).
// Plain JavaScript, no build. The page embeds the first snapshot, so it works before the
// socket connects; after a dropped connection the next snapshot brings it up to date.
(function () {
  "use strict";

  var TICK_MS = 250;
  // The warning starts at the snapshot's phase_warn_seconds (clock.warn_seconds on the
  // server: the last quarter of the phase, at most its last 60 s); these say the same for an
  // older snapshot without the field.
  var WARN_MAX_SECONDS = 60;
  var WARN_FRACTION = 0.25;
  var NUDGE_MS = 10000;
  var PING_MS = 20000;

  // ------------------------------------------------------------ small helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") node.textContent = v;
        else if (k === "className") node.className = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function clockText(seconds) {
    var s = Math.max(0, seconds);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return h ? h + ":" + pad(m) + ":" + pad(sec) : m + ":" + pad(sec);
  }

  // A length of time, the same everywhere in the room: "2 min", or "2 min 16 s" when it is
  // not whole minutes (plans are whole minutes; time left before the meeting ends is not), so
  // a label always agrees with the clock that counts the same phase down.
  function durationText(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var m = Math.floor(s / 60), rest = s % 60;
    if (!rest) return m + " min";
    return m ? m + " min " + rest + " s" : rest + " s";
  }

  // Time left before the meeting's main part ends, in whole minutes (rounded down).
  function minutesLeftText(seconds) { return durationText(Math.floor(Math.max(0, seconds) / 60) * 60); }

  // A calendar day ("2031-03-04") as the site writes days: "Tue, Mar 4, 2031"
  // (meetings/templatetags/meeting_time.day_text). Fixed English names, like the pages.
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function dayText(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) return iso || "";
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return DAYS[d.getUTCDay()] + ", " + MONTHS[d.getUTCMonth()] + " " + d.getUTCDate() + ", " + d.getUTCFullYear();
  }

  // This device's calendar day, `days` from today, as "YYYY-MM-DD".
  function isoDay(days) {
    var d = new Date();
    d.setDate(d.getDate() + days);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function possessive(name) { return name + "’s"; }

  // ------------------------------------------------------------ the page waiting for a room

  function waitForRoom(node) {
    var url = node.dataset.statusUrl;
    function check() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (body && body.open) { window.location.assign(body.url); return; }
          setTimeout(check, 5000);
        })
        .catch(function () { setTimeout(check, 10000); });
    }
    setTimeout(check, 5000);
  }

  // ------------------------------------------------------------ the room

  function Room(root) {
    var dataNode = document.getElementById("room-data");
    var initial = JSON.parse(dataNode.textContent);
    this.root = root;
    this.display = root.dataset.view === "display";
    this.wsPath = root.dataset.wsPath; // /ws/rooms/<meeting public id>/, from live.views
    this.reportUrl = root.dataset.reportUrl || ""; // safety's report form, for each suggestion
    this.room = initial.room;
    this.you = initial.you;
    this.mainEndsAt = initial.main_ends_at ? Date.parse(initial.main_ends_at) : null;
    this.offset = Date.parse(this.room.server_now) - Date.now();
    this.pingOffset = null;
    this.bestRtt = Infinity;
    this.ws = null;
    this.attempts = 0;
    this.everConnected = false;
    this.revoked = false;
    this.pending = {};
    this.seq = 0;
    this.lastAnnounceKey = null;
    this.lastClockPhase = null;
    this.clockStage = null;
    this.wakeLock = null;
    this.planDirty = false;  // the facilitator changed the plan editor's fields
    this.planSent = null;  // the plan they saved, until the room's plan matches it
    this.planShown = null;  // the plan the editor was last filled with
    this.shownNudge = null;
    this.sound = !this.display && window.localStorage && localStorage.getItem("roundtable.sound") === "on";
    this.audio = null;
    this.binds = {};
    var self = this;
    root.querySelectorAll("[data-bind]").forEach(function (n) { self.binds[n.dataset.bind] = n; });
    this.alertNode = document.getElementById("room-alert");
    this.nudgeNode = document.getElementById("room-nudge");
    this.announceNode = document.getElementById("room-announce");
    this.connNode = document.getElementById("room-conn");
    this.wire();
    this.render(true);
    this.tick();
    setInterval(function () { self.tick(); }, TICK_MS);
    this.connect();
  }

  // On the display the server already sends the names to show (first names, a last initial
  // where two share one: clock.short_names); cutting them again here would merge "Aisha D."
  // and "Aisha W." back into one "Aisha".
  Room.prototype.name = function (name) { return name || "Someone"; };

  Room.prototype.serverNow = function () {
    return Date.now() + (this.pingOffset !== null ? this.pingOffset : this.offset);
  };

  // ---------------------------------------------------------- the connection

  Room.prototype.connect = function () {
    var self = this;
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var ws;
    try {
      ws = new WebSocket(scheme + "//" + window.location.host + this.wsPath);
    } catch (e) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = function () {
      self.attempts = 0;
      if (self.offlineAlert) { self.offlineAlert = false; self.hideAlert(); }
      self.setConn(self.everConnected ? "reconnected" : "connected");
      self.everConnected = true;
      self.ping();
      clearInterval(self.pingTimer);
      self.pingTimer = setInterval(function () { self.ping(); }, PING_MS);
    };
    ws.onmessage = function (event) {
      var msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      self.receive(msg);
    };
    ws.onclose = function (event) {
      clearInterval(self.pingTimer);
      if (self.ws !== ws) return;
      self.ws = null;
      if (event.code === 4428 && !self.revoked) {
        // The group's ground rules changed: the room's page shows them with Accept (4428 in
        // consumers.py), and brings the person back here once they accept.
        window.location.reload();
        return;
      }
      if (self.revoked || event.code === 4403 || event.code === 4404) {
        self.revoke(self.revokedMessage || "You no longer have access to this room.");
        return;
      }
      self.setConn("reconnecting");
      self.scheduleReconnect();
    };
  };

  Room.prototype.scheduleReconnect = function () {
    var self = this;
    var delay = Math.min(15000, 500 * Math.pow(2, this.attempts)) * (0.75 + Math.random() * 0.5);
    this.attempts += 1;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(function () { self.connect(); }, delay);
  };

  Room.prototype.reconnectNow = function () {
    if (this.ws || this.revoked) return;
    clearTimeout(this.reconnectTimer);
    this.connect();
  };

  Room.prototype.setConn = function (state) {
    var labels = {
      connecting: "Connecting…",
      connected: "Connected",
      reconnecting: "Reconnecting…",
      reconnected: "Reconnected",
      closed: "Disconnected",
    };
    if (!this.connNode) return;
    this.connNode.dataset.state = state;
    this.connNode.textContent = labels[state];
    clearTimeout(this.connTimer);
    if (state === "reconnected") {
      var self = this;
      this.connTimer = setTimeout(function () { self.setConn("connected"); }, 5000);
    }
  };

  Room.prototype.ping = function () {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.pingSentAt = Date.now();
    this.ws.send(JSON.stringify({ action: "ping" }));
  };

  Room.prototype.send = function (action, params, form) {
    if (this.revoked) return null;
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      this.showAlert("Not connected right now: reconnecting. Try again in a moment.");
      this.offlineAlert = true;
      this.reconnectNow();
      return null;
    }
    // A new try: an error about an earlier one no longer applies (a refusal of this one
    // comes back as its own alert).
    if (this.alertNode && !this.alertNode.hidden && !this.revoked) this.hideAlert();
    this.seq += 1;
    var id = "r" + Date.now().toString(36) + "-" + this.seq;
    var body = { action: action, request_id: id };
    Object.keys(params || {}).forEach(function (k) { body[k] = params[k]; });
    // Only refusals answer a request by id: forget requests that got none within a minute.
    var now = Date.now();
    var pending = this.pending;
    Object.keys(pending).forEach(function (k) { if (now - pending[k].at > 60000) delete pending[k]; });
    pending[id] = { form: form || null, params: params || {}, at: now };
    this.ws.send(JSON.stringify(body));
    return id;
  };

  Room.prototype.receive = function (msg) {
    if (msg.type === "snapshot") {
      if (!msg.room || (this.room && msg.room.version < this.room.version)) return;
      if (msg.room.id !== this.room.id) return;
      this.offset = Date.parse(msg.room.server_now) - Date.now();
      this.room = msg.room;
      if (msg.you) {
        this.you = {
          user_id: msg.you.user_id,
          can_control: !this.display && msg.you.can_control,
          in_seat: msg.you.in_seat,
          status_offer: msg.you.status_offer || null,
        };
      }
      this.render(false);
    } else if (msg.type === "pong") {
      if (this.pingSentAt && msg.server_now) {
        var now = Date.now();
        var rtt = now - this.pingSentAt;
        // The best estimate comes from the fastest round trip; re-measure when it drifts.
        if (rtt <= this.bestRtt * 1.5 || this.pingOffset === null) {
          this.bestRtt = Math.min(this.bestRtt, rtt);
          this.pingOffset = Date.parse(msg.server_now) + rtt / 2 - now;
        }
        this.pingSentAt = null;
      }
    } else if (msg.type === "error") {
      this.showAlert(msg.message || "That didn't work.");
      var req = msg.request_id && this.pending[msg.request_id];
      if (req && req.form && req.form.hasAttribute("data-plan-form")) {
        this.planSent = null;  // the edits stay in the form
      } else if (req && req.form) {
        if (req.form.dataset.form === "challenge_set") { this.editingChallenge = true; this.render(false); }
        this.restoreForm(req.form, req.params);
      }
      if (msg.request_id) delete this.pending[msg.request_id];
    } else if (msg.type === "revoked") {
      this.revoked = true;
      this.revokedMessage = msg.message;
      this.revoke(msg.message);
    }
  };

  Room.prototype.revoke = function (message) {
    this.revoked = true;
    this.setConn("closed");
    this.showAlert(message || "You no longer have access to this room.", true);
    this.root.classList.add("is-revoked");
    this.root.querySelectorAll("button, input, textarea, select").forEach(function (n) {
      if (n.id !== "room-sound") n.disabled = true;
    });
    this.releaseWakeLock();
  };

  Room.prototype.hideAlert = function () {
    clearTimeout(this.alertTimer);
    if (this.alertNode) this.alertNode.hidden = true;
  };

  Room.prototype.showAlert = function (message, sticky) {
    var node = this.alertNode;
    if (!node) return;
    this.offlineAlert = false;
    node.textContent = message;
    node.hidden = false;
    clearTimeout(this.alertTimer);
    if (!sticky) this.alertTimer = setTimeout(function () { node.hidden = true; }, 8000);
  };

  Room.prototype.announce = function (text) {
    if (!this.announceNode || !text) return;
    var node = this.announceNode;
    node.textContent = "";
    setTimeout(function () { node.textContent = text; }, 50);
  };

  // ---------------------------------------------------------- the clock

  Room.prototype.remaining = function () {
    var r = this.room;
    if (r.phase_seconds === null || r.phase_seconds === undefined || r.phase_index === null) return null;
    var elapsed = r.elapsed_before_pause || 0;
    if (!r.paused && r.phase_started_at) elapsed += (this.serverNow() - Date.parse(r.phase_started_at)) / 1000;
    // This screen's estimate of the server's clock may run a little behind it: a phase that
    // has just begun shows its full length ("5:00"), never more than its label says.
    return r.phase_seconds - Math.max(0, elapsed);
  };

  Room.prototype.tick = function () {
    var r = this.room;
    var b = this.binds;
    var rem = this.remaining();
    var stage, timer, note;
    if (r.mode === "questions") {
      stage = "idle"; timer = ""; note = "";
    } else if (rem === null) {
      stage = "idle";
      timer = r.status === "ended" ? "Done" : r.open_discussion ? "Open" : "–:––";
      note = r.status === "open" ? "The clock starts when the facilitator presses Start." :
        r.open_discussion ? "Talk freely until the facilitator ends the roundtable." :
        r.waiting_for_arrivals ? (this.you.can_control ?
          "Everyone still waiting for a turn is away. The first to open the room takes the seat; for someone at the table without it, press Bring forward beside their name." :
          "The next turn starts as soon as someone waiting for one is here.") : "";
    } else {
      var label = r.phase_label || "This phase";
      if (rem < 0) {
        var over = Math.floor(-rem);
        stage = "overtime";
        timer = "+" + clockText(over);
        note = label + " · overtime +" + clockText(over);
      } else {
        var left = Math.ceil(rem);
        var warn = this.warnSeconds();
        timer = clockText(left);
        if (left <= warn) {
          stage = "warning";
          note = label + " · " + (left <= 1 ? "time is up" : warn >= WARN_MAX_SECONDS ? "1 min left" : "nearly time");
        } else {
          stage = "normal";
          note = label + " · " + durationText(r.phase_seconds) + " phase";
        }
      }
      if (r.paused) {
        stage = "paused";
        note = "Paused · " + label + (rem < 0 ? " · overtime" : "");
      }
    }
    if (b.timer && b.timer.textContent !== timer) b.timer.textContent = timer;
    if (b["timer-note"] && b["timer-note"].textContent !== note) b["timer-note"].textContent = note;
    if (b.clock && b.clock.dataset.state !== stage) b.clock.dataset.state = stage;
    if (b.clock) b.clock.hidden = r.mode === "questions";
    this.clockCues(rem);
    this.tickPhaseFill(rem);
    this.tickNudge();
    this.tickPlanNote();
  };

  // How many seconds before the end of this phase the warning starts (see WARN_MAX_SECONDS).
  Room.prototype.warnSeconds = function () {
    var r = this.room;
    if (typeof r.phase_warn_seconds === "number") return r.phase_warn_seconds;
    return Math.floor(Math.min(WARN_MAX_SECONDS, (r.phase_seconds || 0) * WARN_FRACTION));
  };

  Room.prototype.phaseIdentity = function () {
    var r = this.room;
    if (!r.turn || r.phase_index === null) return null;
    return r.turn.id + ":" + r.phase_index + ":" + r.phase_started_at + ":" + r.phase_seconds;
  };

  // Announce "1 minute left" and "time is up" once per phase, and beep at time-up if asked.
  Room.prototype.clockCues = function (rem) {
    var id = this.phaseIdentity();
    if (id === null || rem === null || this.room.paused) { this.lastClockPhase = id; return; }
    var warn = this.warnSeconds();
    var cue = rem <= 0 ? "up" : Math.ceil(rem) <= warn ? "warn" : "ok";
    if (id !== this.lastClockPhase) {
      // A fresh phase (or the first look at one) sets the baseline without a cue.
      this.lastClockPhase = id;
      this.clockStage = cue;
      return;
    }
    if (cue === this.clockStage) return;
    var was = this.clockStage;
    this.clockStage = cue;
    if (cue === "warn" && was === "ok") {
      var phase = this.room.phase_label || "this phase";
      this.announce(warn >= WARN_MAX_SECONDS ? "1 minute left in " + phase + "." :
        "Nearly time for " + phase + ": " + warn + " seconds left.");
    }
    if (cue === "up" && was !== "up") {
      this.announce("Time is up for " + (this.room.phase_label || "this phase") + ". The clock now counts overtime.");
      this.beep();
    }
  };

  Room.prototype.tickPhaseFill = function (rem) {
    var fill = this.root.querySelector(".phasebar [aria-current] .phase-fill");
    if (!fill || rem === null) return;
    var total = this.room.phase_seconds || 1;
    var done = Math.min(1, Math.max(0, (total - rem) / total));
    fill.style.transform = "scaleX(" + done.toFixed(4) + ")";
  };

  Room.prototype.tickNudge = function () {
    var node = this.nudgeNode;
    if (!node) return;
    var at = this.room.nudge_at ? Date.parse(this.room.nudge_at) : null;
    var show = at !== null && this.room.status !== "ended" && this.serverNow() - at < NUDGE_MS && this.serverNow() - at > -2000;
    if (show && this.shownNudge !== at) {
      this.shownNudge = at;
      var who = this.room.turn ? this.name(this.room.turn.name) : "the member in the seat";
      node.textContent = "";
      node.appendChild(el("strong", { text: "Back to solutions." }));
      node.appendChild(document.createTextNode(" What could " + who + " try before the next meeting?"));
    }
    if (node.hidden === show) node.hidden = !show;
  };

  Room.prototype.tickPlanNote = function () {
    var node = this.binds["plan-note"];
    if (!node) return;
    var r = this.room;
    var text = "";
    var over = false;
    if (r.mode !== "questions" && r.status !== "ended" && this.mainEndsAt) {
      var perTurn = (r.phases || []).reduce(function (a, p) { return a + p.seconds; }, 0);
      var left = r.turns.filter(function (t) { return t.status === "pending" || t.status === "active"; }).length;
      var needed = left * perTurn;
      var available = Math.max(0, Math.floor((this.mainEndsAt - this.serverNow()) / 1000));
      if (left === 0) text = "";
      else if (needed > available) {
        over = true;
        text = left + (left === 1 ? " turn" : " turns") + " of " + durationText(perTurn) + (left === 1 ? " needs " : " need ") + durationText(needed) +
          ", but " + minutesLeftText(available) + " are left." + (this.you.can_control ? " Fit the plan to share the time evenly." : "");
      } else {
        text = left + (left === 1 ? " turn" : " turns") + " of " + durationText(perTurn) + " · the plan fits the time left.";
      }
    }
    if (node.textContent !== text) node.textContent = text;
    node.classList.toggle("is-over", over);
    var fit = this.binds.fit;
    if (fit) fit.hidden = !over;
  };

  Room.prototype.beep = function () {
    if (!this.sound) return;
    try {
      var ctx = this.audio || new (window.AudioContext || window.webkitAudioContext)();
      this.audio = ctx;
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = 660;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.18, ctx.currentTime + 0.05);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.9);
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 1);
    } catch (e) { /* no audio here: the visual cue stands alone */ }
  };

  // ---------------------------------------------------------- wake lock

  Room.prototype.updateWakeLock = function () {
    var want = !this.revoked && this.room.status === "running" && !!this.room.turn && document.visibilityState === "visible";
    if (want && !this.wakeLock && !this.wakeLockPending && navigator.wakeLock) {
      var self = this;
      this.wakeLockPending = true;
      navigator.wakeLock.request("screen").then(function (lock) {
        self.wakeLockPending = false;
        self.wakeLock = lock;
        self.root.dataset.wakeLock = "held";
        lock.addEventListener("release", function () {
          if (self.wakeLock === lock) self.wakeLock = null;
          if (!self.wakeLock) self.root.dataset.wakeLock = "released";
        });
        if (self.room.status !== "running") self.releaseWakeLock();
      }).catch(function () { self.wakeLockPending = false; });
    } else if (!want) {
      this.releaseWakeLock();
    }
  };

  // data-wake-lock on the room tells whether this screen is kept awake ("held" or
  // "released"); the browser tests read it.
  Room.prototype.releaseWakeLock = function () {
    var lock = this.wakeLock;
    this.wakeLock = null;
    if (lock) {
      this.root.dataset.wakeLock = "released";
      lock.release().catch(function () {});
    }
  };

  // ---------------------------------------------------------- rendering

  Room.prototype.render = function (first) {
    var r = this.room;
    var b = this.binds;
    var you = this.you;
    var turn = r.turn;
    var inSeat = !!turn && turn.user_id === you.user_id && r.status !== "ended";
    var present = r.participants.some(function (p) { return p.user_id === you.user_id; });
    this.root.dataset.status = r.status;
    this.root.dataset.phase = r.phase_key || "";
    // After the end there is no clock to ring and nothing to project.
    if (b.sound) b.sound.hidden = r.mode === "questions" || r.status === "ended";  // a question queue has no clock either
    if (b["display-link"]) b["display-link"].hidden = r.status === "ended";

    // Whose turn, and what state the room is in.
    var kicker, seat;
    if (r.status === "open") { kicker = "Lobby"; seat = "Waiting to start"; }
    else if (r.status === "ended") { kicker = "Ended"; seat = "The roundtable has ended"; }
    else if (r.mode === "questions") { kicker = r.paused ? "Paused" : "Questions"; seat = "Question time"; }
    else if (turn) {
      kicker = (r.paused ? "Paused · " : "") + "Turn " + this.turnNumber() + " of " + this.turnsInAll();
      seat = inSeat && !this.display ? "Your turn" : possessive(this.name(turn.name)) + " turn";
    } else if (r.waiting_for_arrivals) {
      kicker = r.paused ? "Paused" : "Waiting";
      seat = "Waiting for someone to arrive";
    } else { kicker = r.paused ? "Paused" : "Open discussion"; seat = "Everyone has had a turn"; }
    setText(b.kicker, kicker);
    setText(b.seat, seat);
    if (b.ended) b.ended.hidden = r.status !== "ended";

    this.renderPhasebar();
    this.renderControls();
    this.renderSeatPanel(inSeat, present);
    this.renderQuestions(present);
    this.renderOrder();
    this.renderPeople();
    this.renderAdmit();
    this.renderPlan();
    this.announceChanges(first);
    this.updateWakeLock();
    this.tick();
  };

  function setText(node, text) { if (node && node.textContent !== text) node.textContent = text; }

  // "Turn N of M": N counts the turns taken so far (done, and the one in the seat), M adds
  // the turns still waiting; skipped turns are in neither. So the first turn is "Turn 1"
  // whoever takes it, brought forward or not.
  Room.prototype.turnNumber = function () {
    return this.room.turns.filter(function (t) { return t.status === "done" || t.status === "active"; }).length;
  };

  Room.prototype.turnsInAll = function () {
    return this.room.turns.filter(function (t) { return t.status === "done" || t.status === "active" || t.status === "pending"; }).length;
  };

  Room.prototype.renderPhasebar = function () {
    var node = this.binds.phasebar;
    if (!node) return;
    var r = this.room;
    node.textContent = "";
    node.hidden = r.mode === "questions" || !(r.phases || []).length || r.status === "ended";
    (r.phases || []).forEach(function (p, i) {
      var state = r.phase_index === null ? "" : i < r.phase_index ? "done" : i === r.phase_index ? "current" : "";
      var li = el("li", { className: "phase" + (state ? " is-" + state : ""), "aria-current": state === "current" ? "step" : null }, [
        el("span", { className: "phase-track", "aria-hidden": "true" }, [el("span", { className: "phase-fill" })]),
        el("span", { className: "phase-label" }, [
          p.label,
          el("span", { className: "phase-len" }, [" " + durationText(state === "current" && r.phase_seconds ? r.phase_seconds : p.seconds)]),
          state === "done" ? el("span", { className: "visually-hidden", text: " (done)" }) : null,
          state === "current" ? el("span", { className: "visually-hidden", text: " (now)" }) : null,
        ]),
      ]);
      node.appendChild(li);
    });
  };

  Room.prototype.renderControls = function () {
    var node = this.binds.controls;
    if (!node) return;
    var r = this.room;
    var questions = r.mode === "questions";
    var live = r.status === "running" || r.status === "paused";
    var seated = live && !!r.turn;
    var taken = (r.questions || []).some(function (q) { return q.status === "taken"; });
    // Pause and Resume only while a clock runs: with the seat empty there is nothing to stop.
    var clocked = seated || (questions && live);
    var show = {
      start: r.status === "open",
      pause: r.status === "running" && clocked,
      resume: r.status === "paused",
      add_minute: seated,
      next_phase: seated,
      next_turn: seated,
      nudge: seated && r.mode === "turns",
      question_take_next: questions && live,
      question_done: questions && live && taken,
      end: r.status !== "ended",
    };
    node.querySelectorAll("[data-action]").forEach(function (btn) {
      btn.hidden = !show[btn.dataset.action];
    });
    node.hidden = r.status === "ended";
    if (this.binds["shortcut-help"]) this.binds["shortcut-help"].hidden = r.status === "ended" || questions;
    if (this.binds["order-tools"]) this.binds["order-tools"].hidden = r.status === "ended" || questions;
  };

  // A shared status as numbers: "6 outreach, 2 conversations, 1 interview; 2 of 3 commitments done".
  function statusNumbers(s) {
    function count(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
    var text = s.outreach + " outreach, " + count(s.conversations, "conversation") + ", " + count(s.interviews, "interview");
    return s.commitments ? text + "; " + s.commitments_done + " of " + count(s.commitments, "commitment") + " done" : text;
  }

  // The display's status tiles: a big number over a word for each count (drawn only when
  // the numbers change, so the tiles do not flicker with the clock's ticks).
  function renderTiles(box, s) {
    function plural(n, word) { return n === 1 ? word : word + "s"; }
    var tiles = !s ? [] : [
      [String(s.outreach), "outreach"],
      [String(s.conversations), plural(s.conversations, "conversation")],
      [String(s.interviews), plural(s.interviews, "interview")],
    ];
    if (s && s.commitments) tiles.push([s.commitments_done + " of " + s.commitments, plural(s.commitments, "commitment") + " done"]);
    var key = JSON.stringify(tiles);
    if (box.dataset.drawn === key) return;
    box.dataset.drawn = key;
    box.textContent = "";
    tiles.forEach(function (t) {
      var tile = document.createElement("div");
      tile.className = "status-tile";
      var dt = document.createElement("dt");
      dt.textContent = t[1];
      var dd = document.createElement("dd");
      dd.textContent = t[0];
      tile.append(dt, dd);
      box.append(tile);
    });
  }

  Room.prototype.renderSeatPanel = function (inSeat, present) {
    var b = this.binds;
    var r = this.room;
    var turn = r.turn;
    var panel = b["seat-panel"];
    // A circle's turn has no challenge, suggestions or commitments: only a strategic turn has the panel.
    var showPanel = !!turn && r.status !== "ended" && r.mode === "turns";
    if (panel) panel.hidden = !showPanel;
    var sugBlock = b["suggestions-block"];
    if (!turn) {
      if (this.display && sugBlock) {
        // After the end the side of the screen has nothing to show: no heading over nothing.
        sugBlock.hidden = r.status === "ended";
        setText(b["suggestion-count"], "");
        if (b.suggestions) b.suggestions.textContent = "";
        setText(b["suggestions-note"], "Suggestions appear here during each brainstorm.");
      }
      return;
    }
    if (this.display && sugBlock) sugBlock.hidden = false;
    var self = this;
    var control = this.you.can_control;
    var canWrite = !this.display && (inSeat || control);
    // A facilitator acts for the member in the seat where the member has no device: starring
    // suggestions and saying how last time's commitments went (recorded as the member's).
    var forThem = !this.display && control && !inSeat && r.status !== "ended";
    var brainstorm = r.phase_key === "brainstorm";
    var who = this.name(turn.name);

    // Ready for the roundtable: the seated member's status since their last meeting of the
    // group, offered to them alone (you.status_offer); once shared, on every screen (numbers
    // only on a display).
    if (b.ready) {
      var offer = inSeat ? this.you.status_offer : null;
      var shared = turn.shared_status;
      b.ready.hidden = !offer && !shared;
      var readyText = "";
      if (shared) readyText = this.display ? statusNumbers(shared) : (inSeat ? "You shared: " : who + " since last time: ") + (shared.text || statusNumbers(shared));
      else if (offer) readyText = "Since your last meeting here: " + offer.text + ".";
      setText(b["ready-text"], readyText);
      if (b["ready-tiles"]) renderTiles(b["ready-tiles"], shared);
      setText(b["ready-note"], inSeat && offer && !shared ? "Only you can see this until you share it." : "");
      if (b["ready-share"]) b["ready-share"].hidden = !(inSeat && offer && !shared);
      if (b["ready-unshare"]) b["ready-unshare"].hidden = !(inSeat && shared);
    }

    // Since last time: the previous challenge and commitments, reviewed by their owner.
    var prev = b.previous;
    if (prev) {
      var prevItems = turn.previous_commitments || [];
      prev.hidden = this.display || (!turn.previous_challenge && !prevItems.length);
      setText(b["previous-challenge"], turn.previous_challenge ? "Last time: " + turn.previous_challenge : "");
      this.rebuild(b["previous-commitments"], prevItems.map(function (c) {
        var labels = { open: "Not reviewed yet", done: "Done", partly: "Partly done", not_done: "Not done" };
        var li = el("li", { className: "review status-" + c.status }, [
          el("span", { className: "review-text", text: c.text }),
          c.due_on ? el("span", { className: "muted small", text: " · by " + dayText(c.due_on) }) : null,
          el("span", { className: "pill review-status", text: labels[c.status] || c.status }),
        ]);
        if (inSeat || forThem) {
          var group = el("span", { className: "review-buttons", role: "group",
            "aria-label": (inSeat ? "How did it go: " : "How did it go for " + who + ": ") + c.text });
          [["done", "Done"], ["partly", "Partly"], ["not_done", "Not done"]].forEach(function (o) {
            group.appendChild(el("button", {
              type: "button", className: "button button-small " + (c.status === o[0] ? "" : "button-secondary"),
              "data-action": "commitment_review", "data-commitment-id": c.id, "data-status": o[0],
              "aria-pressed": c.status === o[0] ? "true" : "false", "data-fkey": "review-" + c.id + "-" + o[0],
              text: o[1],
            }));
          });
          li.appendChild(group);
        }
        return li;
      }));
    }

    // The challenge.
    if (b["challenge-block"]) b["challenge-block"].hidden = r.mode !== "turns" || this.display;
    setText(b.challenge, turn.challenge || (inSeat ? "Write what has held you back since last time: the group brainstorms on it." :
      who + " hasn't written the challenge yet."));
    if (b.challenge) b.challenge.classList.toggle("muted", !turn.challenge);
    var chForm = this.root.querySelector('[data-form="challenge_set"]');
    if (chForm) {
      var area = chForm.elements.text;
      if (this.challengeTurn !== turn.id) {
        this.challengeTurn = turn.id;
        this.editingChallenge = false;
        area.value = turn.challenge;
        area.dataset.dirty = "";
      } else if (document.activeElement !== area && !area.dataset.dirty) area.value = turn.challenge;
      // Once written, the challenge reads as text with an Edit button; empty, the form is open.
      var open = canWrite && (!turn.challenge || this.editingChallenge);
      chForm.hidden = !open;
      if (b["challenge-edit"]) b["challenge-edit"].hidden = !canWrite || open;
      if (b["challenge-cancel"]) b["challenge-cancel"].hidden = !turn.challenge;
      if (b.challenge) b.challenge.hidden = open && !turn.challenge;
      var labelNode = chForm.querySelector("label");
      labelNode.textContent = inSeat ? "What has kept you from success since last time?" : "The challenge, in " + possessive(who) + " words";
    }

    // Suggestions.
    if (sugBlock) sugBlock.hidden = r.mode !== "turns";
    var sugs = turn.suggestions || [];
    if (this.display) sugs = sugs.slice(-8);
    setText(b["suggestion-count"], (turn.suggestions || []).length ? "(" + turn.suggestions.length + ")" : "");
    this.rebuild(b.suggestions, sugs.map(function (s) {
      var meta = [el("span", { className: "by", text: "from " + self.name(s.author) })];
      if (!self.display && s.contact) meta.push(el("span", { text: " · contact: " + s.contact }));
      if (!self.display && s.link) {
        meta.push(document.createTextNode(" · "));
        meta.push(el("a", { href: s.link, rel: "noopener noreferrer nofollow", target: "_blank", text: "link" }));
      }
      var li = el("li", { className: "suggestion" + (s.starred ? " is-starred" : ""), "data-id": s.id }, [
        el("p", { className: "suggestion-text", text: s.text }),
        el("p", { className: "suggestion-meta small" }, meta),
      ]);
      // "Starred for Ann": a facilitator starred it on Ann's behalf; it is Ann's star all the same.
      if (s.starred) {
        li.insertBefore(el("span", { className: "star-mark", text: s.starred_for ? "★ Starred for " + who : "★ Starred" }), li.firstChild);
      }
      // Report someone else's suggestion (safety: the group's facilitators decide).
      if (!self.display && self.reportUrl && s.author_id !== self.you.user_id) {
        li.appendChild(el("a", {
          className: "small muted report-link", href: self.reportUrl + "?kind=suggestion&ref=" + s.id,
        }, ["Report", el("span", { className: "visually-hidden", text: " the suggestion: " + s.text })]));
      }
      if ((inSeat && !self.display) || forThem) {
        li.appendChild(el("button", {
          type: "button", className: "button button-small " + (s.starred ? "" : "button-secondary"),
          "data-action": "suggestion_star", "data-suggestion-id": s.id, "data-starred": s.starred ? "false" : "true",
          "aria-pressed": s.starred ? "true" : "false", "data-fkey": "star-" + s.id,
        }, [
          // The visible words start the button's name (WCAG 2.5.3); which suggestion follows
          // for screen readers, and aria-pressed says whether it is starred.
          inSeat ? (s.starred ? "★ Starred" : "☆ Star") : (s.starred ? "★ Starred for " + who : "☆ Star for " + who),
          el("span", { className: "visually-hidden", text: ": " + s.text }),
        ]));
      }
      return li;
    }));
    var sugNote = "";
    if (!sugs.length) sugNote = brainstorm ? "No suggestions yet: add the first." : "Suggestions open during the brainstorm.";
    else if (!brainstorm && !this.display) sugNote = "Suggestions are closed until the next brainstorm.";
    if (inSeat && sugs.length && !this.display) sugNote = "Star the suggestions you will use: they go into your summary.";
    if (forThem && sugs.length) {
      sugNote = "If " + who + " has no device here, star what they pick: it goes into their summary.";
    }
    setText(b["suggestions-note"], sugNote);
    var sForm = this.root.querySelector('[data-form="suggestion_add"]');
    if (sForm) sForm.hidden = !(brainstorm && r.status !== "ended" && (present || control));

    // Commitments.
    var comBlock = b["commitments-block"];
    var coms = turn.commitments || [];
    var commitPhase = r.phase_key === "commitments";
    if (comBlock) comBlock.hidden = r.mode !== "turns" || (!coms.length && !commitPhase);
    this.rebuild(b.commitments, coms.map(function (c) {
      return el("li", {}, [c.text, c.due_on ? el("span", { className: "muted small", text: " · by " + dayText(c.due_on) }) : null]);
    }));
    // The heading is never alone: those who cannot write one read that none is there yet.
    setText(b["commitments-note"], !coms.length && commitPhase && !canWrite ? "No commitments yet: " + who + " is choosing them now." : "");
    var cForm = this.root.querySelector('[data-form="commitment_add"]');
    if (cForm) {
      cForm.hidden = !(canWrite && commitPhase);
      // Due from today to a year ahead (services.commitment_add says the same, in words).
      var due = cForm.elements.due_on;
      if (due) { due.min = isoDay(0); due.max = isoDay(365); }
      cForm.querySelector("label").textContent = inSeat ? "Before the next meeting, I will…" : "Before the next meeting, " + who + " will…";
    }
  };

  Room.prototype.renderQuestions = function (present) {
    var b = this.binds;
    var r = this.room;
    var panel = b["questions-panel"];
    var stage = b["question-stage"];
    var questions = r.mode === "questions" && r.status !== "ended";
    if (panel) panel.hidden = !questions;
    if (stage) stage.hidden = !questions;
    if (!questions) return;
    var self = this;
    var you = this.you;
    var taken = (r.questions || []).filter(function (q) { return q.status === "taken"; })[0];
    var waiting = (r.questions || []).filter(function (q) { return q.status === "waiting"; });
    if (stage) {
      stage.textContent = "";
      if (taken) {
        stage.appendChild(el("p", { className: "room-kicker", text: "Now answering " + possessive(this.name(taken.name)) + " question" }));
        stage.appendChild(el("p", { className: "question-now", text: taken.text }));
      } else {
        stage.appendChild(el("p", { className: "question-now muted", text: r.status === "open" ? "Questions open when the talk starts." : "No question being answered." }));
      }
      stage.appendChild(el("p", { className: "muted", text: waiting.length === 1 ? "1 hand raised" : waiting.length + " hands raised" }));
    }
    this.rebuild(b.questions, waiting.map(function (q) {
      var li = el("li", {}, [el("strong", { text: self.name(q.name) }), ": " + q.text]);
      if (q.user_id === you.user_id && !self.display) {
        li.appendChild(el("button", {
          type: "button", className: "button button-small button-secondary", "data-action": "question_withdraw",
          "data-question-id": q.id, "data-fkey": "withdraw-" + q.id, text: "Lower my hand",
        }));
      }
      return li;
    }));
    setText(b["questions-note"], waiting.length ? "" : r.status === "open" ? "Hands go up when the talk starts." : "No hands raised yet.");
    var mine = waiting.some(function (q) { return q.user_id === you.user_id; });
    var form = this.root.querySelector('[data-form="question_raise"]');
    if (form) form.hidden = this.display || you.can_control || !present || mine || r.status === "open";
  };

  Room.prototype.renderOrder = function () {
    var b = this.binds;
    var r = this.room;
    var node = b.order;
    if (!node) return;
    var self = this;
    var control = this.you.can_control;
    var live = r.status === "running" || r.status === "paused";
    var hereIds = {};
    var marked = {};
    r.participants.forEach(function (p) { hereIds[p.user_id] = true; marked[p.user_id] = p.marked; });
    // A question queue has no turns: the panel keeps only who is here.
    var noTurns = r.mode === "questions" && !this.display;
    [b["order-title"], b["plan-note"], node].forEach(function (n) { if (n) n.hidden = noTurns; });
    var turns = r.turns;
    if (this.display) {
      turns = turns.filter(function (t) { return t.status === "pending"; }).slice(0, 5);
      // Nobody up next: hide the heading with its empty list (an empty heading is noise
      // to a screen reader, and axe's empty-heading rule says so).
      var nobody = !turns.length;
      [b["order-title"], node].forEach(function (n) { if (n) n.hidden = noTurns || nobody; });
    }
    var pending = r.turns.filter(function (t) { return t.status === "pending"; });
    var labels = { pending: "Waiting", active: "In the seat", done: "Done", skipped: "Skipped", not_reached: "Didn’t come round" };
    if (r.mode === "questions") turns = [];
    this.rebuild(node, turns.map(function (t) {
      var name = self.name(t.name);
      var status = labels[t.status] || t.status;
      var here = hereIds[t.user_id];
      var where = "";
      if (t.status === "pending") where = !here ? " · not here yet" : marked[t.user_id] ? " · marked here" : "";
      var li = el("li", { className: "turn status-" + t.status + (t.current ? " is-current" : "") + (t.status === "pending" && !here ? " is-away" : ""),
                          "aria-current": t.current ? "true" : null }, [
        el("span", { className: "turn-name", text: name }),
        self.display ? null : el("span", { className: "turn-status small", text: status + where }),
      ]);
      if (control && t.status === "pending" && r.status !== "ended") {
        var i = pending.indexOf(t);
        // While the room runs, people here wait ahead of people away (the seat goes to them
        // first), so each moves only among their own side: the arrows stop at its ends.
        var side = live ? pending.filter(function (p) { return !!hereIds[p.user_id] === !!here; }) : pending;
        var j = side.indexOf(t);
        var tools = el("span", { className: "turn-tools" });
        tools.appendChild(el("button", {
          type: "button", className: "icon-button", "data-action": "order_move", "data-user-id": t.user_id, "data-delta": "-1",
          "aria-label": "Move " + name + " up", disabled: j === 0, "data-fkey": "up-" + t.user_id, text: "↑",
        }));
        tools.appendChild(el("button", {
          type: "button", className: "icon-button", "data-action": "order_move", "data-user-id": t.user_id, "data-delta": "1",
          "aria-label": "Move " + name + " down", disabled: j === side.length - 1, "data-fkey": "down-" + t.user_id, text: "↓",
        }));
        // Presence: a member at the table or on the call without the room open is marked
        // here by the facilitator ("Not here" takes back only that mark).
        if (!here) {
          tools.appendChild(el("button", {
            type: "button", className: "icon-button icon-text", "data-action": "presence_set", "data-user-id": t.user_id,
            "data-present": "true", "aria-label": "Mark here: " + name, "data-fkey": "here-" + t.user_id, text: "Mark here",
          }));
        } else if (marked[t.user_id]) {
          tools.appendChild(el("button", {
            type: "button", className: "icon-button icon-text", "data-action": "presence_set", "data-user-id": t.user_id,
            "data-present": "false", "aria-label": "Not here: " + name, "data-fkey": "away-" + t.user_id, text: "Not here",
          }));
        }
        // Someone away has arrived: their turn comes next (or starts now, if the seat waits).
        var seatEmpty = live && !r.turn;
        if (live && (seatEmpty || i > 0 || !here)) {
          tools.appendChild(el("button", {
            type: "button", className: "icon-button icon-text", "data-action": "bring_forward", "data-user-id": t.user_id,
            "aria-label": "Bring forward: " + name + (seatEmpty ? ", their turn starts now" : ", their turn comes next"),
            "data-fkey": "forward-" + t.user_id, text: "Bring forward",
          }));
        }
        if (r.status !== "open") {
          tools.appendChild(el("button", {
            type: "button", className: "icon-button icon-text", "data-action": "skip_turn", "data-user-id": t.user_id,
            "aria-label": "Skip " + name, "data-fkey": "skip-" + t.user_id, text: "Skip",
          }));
        }
        li.appendChild(tools);
      }
      return li;
    }));
    if (!turns.length && !this.display && r.mode !== "questions") {
      node.appendChild(el("li", { className: "muted", text: r.status === "ended" ? "No one took a turn at this roundtable." :
        "No one has a turn yet: members who are going get one when they join." }));
    }
  };

  Room.prototype.renderPeople = function () {
    var b = this.binds;
    var self = this;
    var people = this.room.participants;
    setText(b["people-title"], this.room.status === "ended" ? "Who was here" : "Here now");
    setText(b["people-count"], "(" + people.length + ")");
    this.rebuild(b.people, people.map(function (p) {
      var note = p.user_id === self.you.user_id ? " (you)" : p.marked && !self.display ? " (marked here)" : "";
      return el("li", { text: self.name(p.name) + note });
    }));
  };

  // "Let someone in" (facilitators): gone after the end, and only for members who are neither
  // here nor waiting for a turn (someone let in gets a turn, so they leave the list).
  Room.prototype.renderAdmit = function () {
    var form = this.binds.admit;
    if (!form) return;
    var r = this.room;
    var taken = {};
    r.participants.forEach(function (p) { taken[p.user_id] = true; });
    r.turns.forEach(function (t) { taken[t.user_id] = true; });
    var select = form.querySelector("select");
    var left = 0;
    Array.prototype.forEach.call(select.options, function (o) {
      if (!o.value) return;
      o.hidden = o.disabled = !!taken[toId(o.value)];
      if (!o.hidden) left += 1;
    });
    if (select.selectedOptions.length && select.selectedOptions[0].disabled) select.value = "";
    form.hidden = r.status === "ended" || !left || !this.you.can_control;
  };

  // ---------------------------------------------------------- the turn plan (facilitators)
  //
  // The editor shows the room's plan until the facilitator changes a field; from then on it
  // keeps what they typed (a snapshot never overwrites it) until the room's plan equals what
  // they saved, or they undo. A refusal leaves their edits in place, with the reason shown.

  function planKey(phases) {
    return JSON.stringify((phases || []).map(function (p) { return [p.label, p.seconds]; }));
  }

  Room.prototype.renderPlan = function () {
    var box = this.binds["plan-editor"];
    if (!box) return;
    var r = this.room;
    box.hidden = !this.you.can_control || r.mode === "questions" || r.status === "ended";
    var roomKey = planKey(r.phases);
    if (this.planShown !== roomKey) {
      var ours = this.planSent !== null && this.planSent === roomKey;  // our own save came back
      if (ours) {
        this.planSent = null;
        if (planKey(this.planRead().phases) === roomKey) this.planDirty = false;
      }
      if (!this.planDirty) {
        this.fillPlan(r.phases);
      } else {
        this.mergePlan(r.phases);
        if (!ours) this.showAlert("The plan changed while you were editing: the fields you had not changed now show the new plan.");
      }
    }
    this.planTotal();
  };

  // The minutes a phase lasts, exactly as stored (plans are whole minutes: services.plan_set).
  function planMinutes(seconds) { return seconds / 60; }

  // Rebuild the rows from the room's plan, keeping keyboard focus on the same field.
  Room.prototype.fillPlan = function (phases) {
    var list = this.binds["plan-rows"];
    if (!list) return;
    this.planShown = planKey(phases);
    var active = document.activeElement;
    var focus = null;
    if (active && list.contains(active)) {
      var rows = Array.prototype.slice.call(list.children);
      focus = { row: rows.indexOf(active.closest(".plan-row")), name: active.name || null };
    }
    list.textContent = "";
    var self = this;
    (phases || []).forEach(function (p) { list.appendChild(self.planRow(p.label, p.seconds, p.key)); });
    this.planNumbers();
    if (focus && focus.row >= 0) {
      var row = list.children[Math.min(focus.row, list.children.length - 1)];
      var field = row && (focus.name ? row.querySelector('[name="' + focus.name + '"]') : row.querySelector("input"));
      if (field) field.focus();
    }
  };

  // The room's plan changed while the facilitator has unsaved edits: the fields they did not
  // change follow the room (so saving does not undo someone else's change); theirs stay.
  Room.prototype.mergePlan = function (phases) {
    var byKey = {};
    (phases || []).forEach(function (p) { byKey[p.key] = p; });
    this.binds["plan-rows"].querySelectorAll(".plan-row").forEach(function (row, i) {
      var label = row.querySelector("input[name=label]");
      var minutes = row.querySelector("input[name=minutes]");
      var p = row.dataset.key ? byKey[row.dataset.key] :
        (phases[i] && phases[i].label === label.value.trim() ? phases[i] : null);
      if (!p) return;
      row.dataset.key = p.key;
      if (label.value === row.dataset.label) label.value = p.label;
      row.dataset.label = p.label;
      var m = planMinutes(p.seconds);
      if (minutes.value === row.dataset.minutes) minutes.value = m;
      row.dataset.seconds = p.seconds;
      row.dataset.minutes = m;
    });
    this.planShown = planKey(phases);
    this.planNumbers();
  };

  Room.prototype.planRow = function (label, seconds, key) {
    this.planSeq = (this.planSeq || 0) + 1;
    var id = "plan-" + this.planSeq;
    var minutes = planMinutes(seconds);
    // data-label, data-seconds and data-minutes hold the room's values for the row, so the
    // fields the facilitator did not change keep the exact length (to the second).
    return el("li", { className: "plan-row", "data-key": key || "", "data-label": label, "data-seconds": seconds,
                      "data-minutes": minutes }, [
      el("label", { for: id + "-label", className: "plan-label-label" }),
      el("input", { id: id + "-label", type: "text", name: "label", value: label, maxlength: 40, required: true,
                    autocomplete: "off" }),
      el("label", { for: id + "-minutes", className: "plan-minutes-label" }),
      el("input", { id: id + "-minutes", type: "number", name: "minutes", value: minutes, min: 1, max: 60, step: 1,
                    inputmode: "numeric", required: true, className: "plan-minutes" }),
      el("button", { type: "button", className: "button button-secondary button-small", "data-plan-remove": "" }, ["Remove"]),
    ]);
  };

  // Number the rows' labels ("Phase 1 name") and their Remove buttons' accessible names.
  Room.prototype.planNumbers = function () {
    var rows = this.binds["plan-rows"].querySelectorAll(".plan-row");
    rows.forEach(function (row, i) {
      row.querySelector(".plan-label-label").textContent = "Phase " + (i + 1) + " name";
      var minutesLabel = row.querySelector(".plan-minutes-label");
      minutesLabel.textContent = "";
      minutesLabel.appendChild(el("span", { className: "visually-hidden", text: "Phase " + (i + 1) + " " }));
      minutesLabel.appendChild(document.createTextNode("minutes"));
      var remove = row.querySelector("[data-plan-remove]");
      var name = row.querySelector("input[name=label]").value.trim() || "phase " + (i + 1);
      remove.setAttribute("aria-label", "Remove " + name);
      remove.disabled = rows.length === 1;
    });
  };

  Room.prototype.planRead = function () {
    var phases = [];
    var problem = null;
    this.binds["plan-rows"].querySelectorAll(".plan-row").forEach(function (row, i) {
      var label = row.querySelector("input[name=label]");
      var minutes = row.querySelector("input[name=minutes]");
      var m = parseFloat(minutes.value);
      if (!problem && !label.value.trim()) problem = { field: label, text: "Give phase " + (i + 1) + " a name." };
      if (!problem && (isNaN(m) || m < 1 || m > 60 || Math.floor(m) !== m)) {
        problem = { field: minutes, text: "Give phase " + (i + 1) + " a length in whole minutes, from 1 to 60." };
      }
      var untouched = minutes.value === row.dataset.minutes && row.dataset.seconds;
      var seconds = untouched ? parseInt(row.dataset.seconds, 10) : Math.round((isNaN(m) ? 0 : m) * 60);
      var phase = { label: label.value.trim(), seconds: seconds };
      if (row.dataset.key) phase.key = row.dataset.key;
      phases.push(phase);
    });
    return { phases: phases, problem: problem };
  };

  Room.prototype.planTotal = function () {
    var node = this.binds["plan-total"];
    if (!node || !this.binds["plan-rows"]) return;
    var read = this.planRead();
    var per = read.phases.reduce(function (a, p) { return a + p.seconds; }, 0);
    var left = this.room.turns.filter(function (t) { return t.status === "pending" || t.status === "active"; }).length;
    var text = "A turn takes " + durationText(per) + (left ? "; " + left + (left === 1 ? " turn" : " turns") + " left need " + durationText(per * left) + "." : ".");
    if (this.planDirty) text += " Not saved yet.";
    setText(node, text);
  };

  Room.prototype.wirePlan = function () {
    var form = this.root.querySelector("[data-plan-form]");
    if (!form) return;
    var self = this;
    var list = this.binds["plan-rows"];
    form.addEventListener("input", function () {
      self.planDirty = true;
      self.planNumbers();
      self.planTotal();
    });
    form.addEventListener("click", function (e) {
      var remove = e.target.closest("[data-plan-remove]");
      if (remove && !remove.disabled) {
        var row = remove.closest(".plan-row");
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        self.planDirty = true;
        self.planNumbers();
        self.planTotal();
        if (next) next.querySelector("input").focus();
      }
    });
    this.binds["plan-add"].addEventListener("click", function () {
      if (list.children.length >= 8) { self.showAlert("A turn has at most 8 phases."); return; }
      var row = self.planRow("", 120, "");  // 2 minutes
      list.appendChild(row);
      self.planDirty = true;
      self.planNumbers();
      self.planTotal();
      row.querySelector("input").focus();
    });
    this.binds["plan-reset"].addEventListener("click", function () {
      self.planDirty = false;
      self.planSent = null;
      self.fillPlan(self.room.phases);
      self.planTotal();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var read = self.planRead();
      if (read.problem) {
        self.showAlert(read.problem.text);
        read.problem.field.focus();
        return;
      }
      var id = self.send("plan_set", { phases: read.phases }, form);
      if (id) self.planSent = planKey(read.phases);
    });
  };

  // Replace a list's items, keeping keyboard focus on the same control if it is still there.
  Room.prototype.rebuild = function (node, items) {
    if (!node) return;
    var active = document.activeElement;
    var key = active && node.contains(active) ? active.getAttribute("data-fkey") : null;
    node.textContent = "";
    items.forEach(function (item) { node.appendChild(item); });
    if (key) {
      var again = node.querySelector('[data-fkey="' + key + '"]');
      if (again && !again.disabled) {
        again.focus();
      } else {
        node.setAttribute("tabindex", "-1");
        node.focus();
      }
    }
  };

  Room.prototype.announceChanges = function (first) {
    var r = this.room;
    var key = r.status + "|" + (r.turn ? r.turn.user_id : "") + "|" + r.phase_index + "|" + r.paused;
    if (key === this.lastAnnounceKey) return;
    var before = this.lastAnnounceKey;
    this.lastAnnounceKey = key;
    if (first || before === null) return;
    var text;
    if (r.status === "ended") text = "The roundtable has ended.";
    else if (r.status === "paused") text = "The clock is paused.";
    else if (r.turn) {
      text = possessive(this.name(r.turn.name)) + " turn: " + (r.phase_label || "") + ", " + durationText(r.phase_seconds || 0) + ".";
    } else if (r.open_discussion) text = "Everyone has had a turn: open discussion.";
    else if (r.waiting_for_arrivals) text = "Everyone still waiting for a turn is away: the seat is empty until one arrives.";
    else if (r.status === "running") text = "The roundtable has started.";
    this.announce(text);
  };

  // ---------------------------------------------------------- input

  function toInt(v) { var n = parseInt(v, 10); return isNaN(n) ? null : n; }
  // A person's id as the room sends it: a number, or a handle (a string) for someone who goes by
  // a pseudonym in the group. Ids are opaque: data attributes come back as strings, so a string
  // of digits is the number again and anything else stays as it is (compare ids with ===).
  function toId(v) { return /^[0-9]+$/.test(v) ? parseInt(v, 10) : v ? String(v) : null; }

  Room.prototype.act = function (action, params) {
    return this.send(action, params || {});
  };

  Room.prototype.wire = function () {
    var self = this;
    this.root.addEventListener("click", function (e) {
      var btn = e.target.closest("[data-action]");
      if (!btn || !self.root.contains(btn) || btn.disabled) return;
      var d = btn.dataset;
      // After a mouse or touch press, give focus back to the page so that Space means
      // pause/resume rather than pressing the same button again (keyboard users keep focus).
      if (e.detail > 0 && btn.closest(".controls")) btn.blur();
      if (d.confirm && !window.confirm(d.confirm)) return;
      var params = {};
      if (d.userId) params.user_id = toId(d.userId);
      if (d.present) params.present = d.present === "true";
      if (d.delta) params.delta = toInt(d.delta);
      if (d.suggestionId) { params.suggestion_id = toInt(d.suggestionId); params.starred = d.starred === "true"; }
      if (d.commitmentId) { params.commitment_id = toInt(d.commitmentId); params.status = d.status; }
      if (d.questionId) params.question_id = toInt(d.questionId);
      if (d.share) params.share = d.share === "true";
      self.act(d.action, params);
    });
    this.root.addEventListener("submit", function (e) {
      var form = e.target.closest("form[data-form]");
      if (!form) return;
      e.preventDefault();
      var action = form.dataset.form;
      var params = {};
      new FormData(form).forEach(function (value, key) {
        var v = String(value).trim();
        if (key === "user_id") { params.user_id = toId(v); return; }
        if ((key === "due_on" || key === "contact" || key === "link") && !v) return;
        params[key] = v;
      });
      // The seat may move on while someone types: turn_id makes the server refuse (409)
      // rather than put the words on the next person's turn.
      var turn = self.room.turn;
      if (turn && (action === "challenge_set" || action === "suggestion_add" || action === "commitment_add")) {
        params.turn_id = turn.id;
      }
      var id = self.send(action, params, form);
      if (!id) return;
      if (action === "challenge_set") {
        form.elements.text.dataset.dirty = "";
        self.editingChallenge = false;
        self.render(false);
        return;
      }
      form.reset();
      var details = form.querySelector("details");
      if (details) details.open = false;
    });
    var edit = this.binds["challenge-edit"];
    if (edit) {
      edit.addEventListener("click", function () {
        self.editingChallenge = true;
        self.render(false);
        var area = self.root.querySelector('[data-form="challenge_set"] textarea');
        if (area) area.focus();
      });
    }
    var cancel = this.binds["challenge-cancel"];
    if (cancel) {
      cancel.addEventListener("click", function () {
        var area = self.root.querySelector('[data-form="challenge_set"] textarea');
        if (area) { area.value = self.room.turn ? self.room.turn.challenge : ""; area.dataset.dirty = ""; }
        self.editingChallenge = false;
        self.render(false);
        if (edit && !edit.hidden) edit.focus();
      });
    }
    this.root.addEventListener("input", function (e) {
      if (e.target.name === "text" && e.target.closest('[data-form="challenge_set"]')) e.target.dataset.dirty = "1";
    });
    this.wirePlan();
    document.addEventListener("keydown", function (e) { self.shortcut(e); });
    var sound = document.getElementById("room-sound");
    if (sound) {
      var paint = function () {
        sound.setAttribute("aria-pressed", self.sound ? "true" : "false");
        sound.textContent = "Sound at time-up: " + (self.sound ? "on" : "off");
      };
      paint();
      sound.addEventListener("click", function () {
        self.sound = !self.sound;
        try { localStorage.setItem("roundtable.sound", self.sound ? "on" : "off"); } catch (err) { /* private mode */ }
        paint();
        if (self.sound) {
          // Browsers allow audio only after a gesture: create the context now, and play a sample.
          try { self.audio = self.audio || new (window.AudioContext || window.webkitAudioContext)(); } catch (err) { /* none */ }
          self.beep();
        }
      });
    }
    document.addEventListener("visibilitychange", function () {
      self.updateWakeLock();
      if (document.visibilityState === "visible") self.reconnectNow();
    });
    window.addEventListener("online", function () { self.reconnectNow(); });
  };

  Room.prototype.restoreForm = function (form, params) {
    Object.keys(params).forEach(function (k) {
      var field = form.elements[k];
      if (field && !field.value && params[k] !== null && params[k] !== undefined) field.value = params[k];
    });
    if (params.contact || params.link) {
      var details = form.querySelector("details");
      if (details) details.open = true;
    }
  };

  Room.prototype.shortcut = function (e) {
    if (!this.you.can_control || this.revoked || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable], dialog")) return;
    var r = this.room;
    var key = e.key;
    if (key === " " || key === "Spacebar") {
      if (t && t.closest && t.closest("button, a, summary")) return;  // Space presses the focused control
      if (r.status === "running" ? !r.turn && r.mode !== "questions" : r.status !== "paused") return;
      e.preventDefault();
      this.act(r.status === "running" ? "pause" : "resume");
    } else if (key === "n" || key === "N") {
      if (!r.turn) return;
      e.preventDefault();
      this.act("next_phase");
    } else if (key === "t" || key === "T") {
      if (!r.turn) return;
      e.preventDefault();
      this.act("next_turn");
    } else if (key === "+" || (key === "=" && e.shiftKey)) {
      if (!r.turn) return;
      e.preventDefault();
      this.act("add_minute");
    }
  };

  function init() {
    var waiting = document.querySelector("[data-room-waiting]");
    if (waiting) waitForRoom(waiting);
    var root = document.getElementById("room");
    if (root && document.getElementById("room-data")) window.roundtableRoom = new Room(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
