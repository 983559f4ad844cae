// The opportunities board (tracker/board.html): drag and drop between and within columns
// (HTML5 drag and drop), and the keyboard's Move / Up / Down forms without a page load.
// Both post to the card's move address (data-move) asking for JSON, then move the card in
// place and say what happened in the live region (#board-status). Without this script the
// same forms post and the board reloads with a message.
const board = document.querySelector("[data-board]");
const status = document.getElementById("board-status");

function say(text) {
  // Emptied first, so the same words twice are announced twice.
  status.textContent = "";
  window.setTimeout(() => { status.textContent = text; }, 50);
}

function token() {
  return document.querySelector("#board-form input[name=csrfmiddlewaretoken]").value;
}

function refreshColumns() {
  for (const list of board.querySelectorAll(".board-cards")) {
    const cards = list.querySelectorAll(".board-card");
    list.closest(".board-col").querySelector("[data-count]").textContent = String(cards.length);
    let empty = list.querySelector(".board-empty");
    if (cards.length && empty) empty.remove();
    if (!cards.length && !empty) {
      empty = document.createElement("li");
      empty.className = "board-empty";
      empty.textContent = "Nothing here";
      list.append(empty);
    }
  }
}

function place(card, stage, position) {
  const list = board.querySelector(`.board-cards[data-stage="${stage}"]`);
  const others = [...list.querySelectorAll(".board-card")].filter((c) => c !== card);
  list.insertBefore(card, others[position] || list.querySelector(".board-empty"));
  card.querySelector("select").value = stage;
  refreshColumns();
}

async function move(card, fields) {
  const body = new FormData();
  body.append("csrfmiddlewaretoken", token());
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  let answer;
  try {
    const response = await fetch(card.dataset.move, {
      method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    answer = await response.json();
    if (!response.ok) throw new Error(answer.detail || "The move did not work.");
  } catch (error) {
    say(`${error.message} Reload the page to see the board as saved.`);
    return false;
  }
  place(card, answer.stage, answer.position);
  card.classList.add("is-moved");
  window.setTimeout(() => card.classList.remove("is-moved"), 1500);
  say(answer.detail);
  return true;
}

if (board && status) {
  // Keyboard (and pointer) controls: the stage list with Move, and Up / Down. They belong to
  // the board's one form (form="board-form"); the button pressed names its card.
  document.getElementById("board-form").addEventListener("submit", async (event) => {
    const button = event.submitter;
    const card = button?.closest(".board-card");
    if (!card) return;
    event.preventDefault();
    const fields = button.name === "direction"
      ? { direction: button.value }
      : { stage: card.querySelector("select").value };
    if (await move(card, fields)) {
      // Focus stays on the control used, in the card's new place.
      button.focus();
    }
  });

  // Drag and drop.
  let dragged = null;
  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest?.(".board-card");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });
  board.addEventListener("dragend", () => {
    dragged?.classList.remove("is-dragging");
    for (const list of board.querySelectorAll(".is-over")) list.classList.remove("is-over");
  });
  // The whole column takes a drop, not only its list of cards: a card dropped below the
  // last one, or on the column's title, lands at the end (tester's finding 8 on issue 10).
  const columnAt = (event) => event.target.closest?.(".board-col");
  board.addEventListener("dragover", (event) => {
    const col = columnAt(event);
    if (!col || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    for (const other of board.querySelectorAll(".is-over")) if (other !== col) other.classList.remove("is-over");
    col.classList.add("is-over");
  });
  board.addEventListener("dragleave", (event) => {
    const col = columnAt(event);
    if (col && !col.contains(event.relatedTarget)) col.classList.remove("is-over");
  });
  board.addEventListener("drop", async (event) => {
    const col = columnAt(event);
    if (!col || !dragged) return;
    event.preventDefault();
    col.classList.remove("is-over");
    const list = col.querySelector(".board-cards");
    // The drop lands before the first card whose middle is below the pointer.
    const cards = [...list.querySelectorAll(".board-card")].filter((c) => c !== dragged);
    let position = cards.length;
    for (const [index, card] of cards.entries()) {
      const box = card.getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) { position = index; break; }
    }
    const card = dragged;
    dragged = null;
    card.classList.remove("is-dragging");
    await move(card, { stage: list.dataset.stage, position: String(position) });
  });
}
