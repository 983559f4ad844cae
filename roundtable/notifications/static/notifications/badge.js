// The unread badge in the navigation, kept fresh over one WebSocket per signed-in page
// (roundtable/notifications/consumers.py has the protocol). Without this file the badge
// shows the count the page was served with, and the inbox works the same.

const badge = document.querySelector("[data-inbox-count]");
const announce = document.querySelector("[data-inbox-announce]");
const FORBIDDEN = 4403;
const MAX_SHOWN = 99;

// On phones site.js folds the menu behind its button: the button carries a copy of the
// badge, so unread news shows without opening the menu.
const menuButton = document.querySelector(".menu-button");
let menuBadge = null;
if (badge && menuButton) {
  menuBadge = badge.cloneNode(true);
  menuBadge.removeAttribute("data-inbox-count");
  menuBadge.classList.add("menu-count");
  menuButton.append(menuBadge);
}

let shown = badge ? Number.parseInt(badge.dataset.count ?? badge.textContent, 10) || 0 : 0;
let retryMs = 1000;

function paint(node, text, count) {
  node.querySelector("[aria-hidden]").textContent = text;
  node.querySelector(".visually-hidden").textContent = `${text} unread`;
  node.hidden = count === 0;
}

function render(count) {
  const text = count > MAX_SHOWN ? `${MAX_SHOWN}+` : String(count);
  paint(badge, text, count);
  if (menuBadge) paint(menuBadge, text, count);
  // Only news is announced: a count going up. Reading one's inbox says nothing back.
  if (announce && count > shown) {
    announce.textContent = count === 1 ? "You have a new notification." : `You have ${text} unread notifications.`;
  }
  shown = count;
  badge.dataset.count = String(count);
}

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${window.location.host}/ws/notifications/`);
  socket.addEventListener("open", () => {
    retryMs = 1000;
    document.documentElement.dataset.inboxLive = "connected";
  });
  socket.addEventListener("message", (event) => {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (frame.type === "unread" && Number.isInteger(frame.count)) render(frame.count);
  });
  socket.addEventListener("close", (event) => {
    document.documentElement.dataset.inboxLive = "closed";
    if (event.code === FORBIDDEN) return; // signed out, or the account closed: stop trying
    // Back off up to a minute; a sleeping phone or a restart is not worth a storm.
    window.setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 60000);
  });
}

if (badge && "WebSocket" in window) connect();
