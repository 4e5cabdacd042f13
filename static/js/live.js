// The live room: swap the fragments the server pushes, announce results, reconnect.
// The page works without this script; it only spares the reloads.

const room = document.querySelector("[data-live-socket]");

if (room) {
  const announcer = room.querySelector("[data-live-announcer]");
  const stateLine = room.querySelector("[data-live-state]");
  const csrf = room.dataset.csrf || "";
  const resyncUrl = room.dataset.liveResync;
  const socketUrl = new URL(room.dataset.liveSocket, window.location.href);
  socketUrl.protocol = socketUrl.protocol === "https:" ? "wss:" : "ws:";

  // Pushed fragments are rendered outside any request: give their forms this page's token.
  const addToken = (root) => {
    for (const form of root.querySelectorAll("form[method='post']")) {
      if (!form.querySelector("input[name='csrfmiddlewaretoken']")) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "csrfmiddlewaretoken";
        input.value = csrf;
        form.prepend(input);
      }
    }
  };

  // What someone is typing or has chosen must survive a swap of the fragment around it.
  // Field ids are unique in the page (two ballot papers share an action and field names).
  const fieldKey = (field) => field.id || `${field.form ? field.form.getAttribute("action") : ""}|${field.name}|${field.type === "radio" ? field.value : ""}`;
  const changed = (field) => {
    if (field.type === "radio" || field.type === "checkbox") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") return [...field.options].some((option) => option.selected !== option.defaultSelected);
    return field.value !== field.defaultValue;
  };
  const keep = (element) => {
    const saved = new Map();
    for (const field of element.querySelectorAll("input, textarea, select")) {
      if (field.type === "hidden" || !field.name || !changed(field)) continue;
      saved.set(fieldKey(field), field.type === "radio" || field.type === "checkbox" ? field.checked : field.value);
    }
    return saved;
  };
  const restore = (element, saved) => {
    for (const field of element.querySelectorAll("input, textarea, select")) {
      const key = fieldKey(field);
      if (!saved.has(key)) continue;
      const value = saved.get(key);
      if (field.type === "radio" || field.type === "checkbox") field.checked = value;
      // A choice the new fragment no longer offers (a merged version) gives way to its default.
      else if (field.tagName === "SELECT" && ![...field.options].some((option) => option.value === value)) continue;
      else field.value = value;
    }
  };

  const swap = (fragments) => {
    for (const [id, html] of Object.entries(fragments)) {
      const current = document.getElementById(id);
      if (!current) continue;
      const template = document.createElement("template");
      template.innerHTML = html.trim();
      const next = template.content.firstElementChild;
      if (!next || next.id !== id) continue;
      const focusedId = current.contains(document.activeElement) ? document.activeElement.id : "";
      const saved = keep(current);
      // Open disclosure widgets stay open.
      const open = new Set([...current.querySelectorAll("details[open]")].map((d) => d.querySelector("summary")?.textContent));
      // Fragments are rendered once for everyone in the room; the forms this viewer may not
      // use (an observer's comment forms) give way to the reason the page gave on load.
      if (room.dataset.commentRefusal) {
        for (const part of next.querySelectorAll("[data-offer='comment']")) {
          const reason = document.createElement("p");
          reason.textContent = room.dataset.commentRefusal;
          part.replaceWith(reason);
        }
      }
      addToken(next);
      restore(next, saved);
      for (const details of next.querySelectorAll("details")) {
        if (open.has(details.querySelector("summary")?.textContent)) details.open = true;
      }
      current.replaceWith(next);
      if (focusedId) document.getElementById(focusedId)?.focus({ preventScroll: true });
    }
  };

  const announce = (text) => {
    if (!announcer || !text) return;
    // Emptied first so that the same sentence twice is still read out.
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  };

  const showState = (text) => {
    if (!stateLine) return;
    stateLine.hidden = !text;
    stateLine.textContent = text;
  };

  const resync = async () => {
    try {
      const response = await fetch(resyncUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        swap((await response.json()).fragments || {});
        return;
      }
    } catch (error) {
      // Tried again below while the socket is open; a new connection resyncs anyway.
    }
    // Just after a restart the proxy may still answer 502 while the socket is back: the page
    // would show itself connected with a stale state. Try again in a second.
    if (socket && socket.readyState === WebSocket.OPEN) window.setTimeout(resync, 1000);
  };

  // Forms marked data-live-fetch (the roll call) post by fetch: the reply brings the message
  // and the fragment as it now stands; the other screens get the push. Focus goes to the row
  // that took the recorded one's place, so the next member is one key or click away.
  room.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-live-fetch")) return;
    event.preventDefault();
    const body = new FormData(form);
    const submitter = event.submitter;
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    const section = form.closest("section[id]");
    const rows = section ? [...section.querySelectorAll("ul form[data-live-fetch]")] : [];
    const index = rows.indexOf(form);
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    let reply;
    try {
      const response = await fetch(form.action, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      });
      reply = await response.json();
    } catch (error) {
      // No answer we can read: post the ordinary way, the page comes back with its message.
      form.removeAttribute("data-live-fetch");
      form.requestSubmit(submitter);
      return;
    }
    swap(reply.fragments || {});
    for (const button of form.querySelectorAll("button")) button.disabled = false;
    announce(reply.message || reply.error);
    const now = section && document.getElementById(section.id);
    if (!now) return;
    const left = [...now.querySelectorAll("ul form[data-live-fetch]")];
    const target = left[Math.min(Math.max(index, 0), left.length - 1)] || now;
    (target.querySelector("button") || now.querySelector("h2"))?.focus?.();
  });

  let attempt = 0;
  let socket = null;
  let retry = null;
  // Backoff capped at 3 s with jitter (each wait between half the ceiling and the ceiling):
  // the page is back within 5 s of the server, and 500 watchers do not all return at once.
  const MAX_DELAY = 3000;

  const connect = () => {
    retry = null;
    socket = new WebSocket(socketUrl);
    socket.addEventListener("open", () => {
      attempt = 0;
      showState("");
      room.dataset.liveConnected = "true";
      // Whatever happened while we were away: fetch it once.
      resync();
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      swap(message.fragments || {});
      announce(message.announce);
    });
    socket.addEventListener("close", (event) => {
      room.dataset.liveConnected = "false";
      // 4403/4404: refused for good; reloading the page is the way back.
      if (event.code >= 4400 && event.code < 4500) return;
      // Said once (the banner is an alert), not at every attempt.
      if (stateLine && stateLine.hidden) showState(room.dataset.reconnectingText || "Connexion perdue, reconnexion…");
      const ceiling = Math.min(MAX_DELAY, 500 * 2 ** attempt);
      attempt += 1;
      retry = window.setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
    });
  };

  // The network is back, or the reader is back on the page: try now rather than at the next turn.
  const retryNow = () => {
    if (retry === null) return;
    window.clearTimeout(retry);
    connect();
  };
  window.addEventListener("online", retryNow);
  window.addEventListener("focus", retryNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") retryNow();
  });

  addToken(room);
  connect();
}

// Countdowns: the server stores each deadline and sends it with its own time at rendering;
// the page only shows the time left, measured on the server's clock (`data-now`), not the
// computer's. Without this script, the deadline is printed ("jusqu'à 20:41").
const offsets = new WeakMap();
const serverNow = (element) => {
  if (!offsets.has(element)) offsets.set(element, Number(element.dataset.now) - Date.now());
  return Date.now() + offsets.get(element);
};
const twoDigits = (n) => String(n).padStart(2, "0");
const tick = () => {
  for (const countdown of document.querySelectorAll("[data-deadline]")) {
    const clock = countdown.querySelector("[data-countdown-clock]");
    const deadline = Number(countdown.dataset.deadline);
    if (!clock || !deadline) continue;
    const left = Math.round((deadline - serverNow(countdown)) / 1000);
    const seconds = Math.abs(left);
    const text = `${left < 0 ? "+" : ""}${Math.floor(seconds / 60)}:${twoDigits(seconds % 60)}`;
    if (clock.textContent !== text) clock.textContent = text;
    clock.hidden = false;
    countdown.classList.toggle("countdown-over", left < 0);
  }
  for (const clock of document.querySelectorAll("[data-clock]")) {
    // In the meeting's time zone, whatever the computer driving the projector says.
    const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: clock.dataset.tz || undefined });
    const text = format.format(new Date(serverNow(clock)));
    if (clock.textContent !== text) clock.textContent = text;
  }
};
if (document.querySelector("[data-deadline], [data-clock]") || room) {
  tick();
  window.setInterval(tick, 500);
}
