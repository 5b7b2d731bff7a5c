// BookTime's live parts: the customer-service chat, the employees' chat dashboard and the live
// order page. Vanilla JS under the strict CSP: no inline code, every text set with textContent.
"use strict";

// A chat socket that reconnects by itself (1 s, 2 s, 4 s … 30 s, with jitter), heartbeats every
// 5 s (presence lasts 10 s), and on reconnecting asks only for what it missed (?last_id=).
function openChatSocket(path, handlers) {
  let socket = null;
  let lastID = null;
  let attempts = 0;
  let heartbeat = null;
  let closed = false;
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";

  function connect() {
    const separator = path.includes("?") ? "&" : "?";
    const url = scheme + location.host + path + (lastID === null ? "" : separator + "last_id=" + lastID);
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      attempts = 0;
      handlers.onState("open");
      socket.send(JSON.stringify({ type: "heartbeat" }));
      heartbeat = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "heartbeat" }));
      }, 5000);
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (error) { return; }
      if (frame.type === "chat_message" && typeof frame.id === "number") {
        if (lastID !== null && frame.id <= lastID) return;
        lastID = frame.id;
      }
      handlers.onFrame(frame);
    });
    socket.addEventListener("close", (event) => {
      clearInterval(heartbeat);
      if (closed) return;
      attempts += 1;
      const delay = Math.min(30000, 1000 * 2 ** (attempts - 1)) * (0.75 + Math.random() * 0.5);
      handlers.onState("closed", event, Math.round(delay / 1000));
      setTimeout(connect, delay);
    });
  }

  connect();
  return {
    send(text) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify({ type: "message", message: text }));
      return true;
    },
    close() {
      closed = true;
      clearInterval(heartbeat);
      if (socket) socket.close();
    },
  };
}

// One line of the log for a frame: "Ann joined", "Ann left", "Ann: hello".
function chatLogItem(frame) {
  const item = document.createElement("li");
  item.className = "chat-" + frame.type.replace("chat_", "");
  if (frame.at) {
    const time = document.createElement("time");
    time.dateTime = frame.at;
    time.textContent = new Date(frame.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    item.append(time, " ");
  }
  const name = document.createElement("strong");
  name.textContent = frame.username || "";
  item.append(name);
  if (frame.type === "chat_join") item.append(" joined");
  else if (frame.type === "chat_leave") item.append(" left");
  else item.append(": " + (frame.message || ""));
  return item;
}

function enhanceChatRoom(root) {
  const page = root.querySelector("[data-chat-socket]");
  if (!page) return;
  const log = page.querySelector("[data-chat-log]");
  const state = page.querySelector("[data-chat-state]");
  const form = page.querySelector("[data-chat-form]");
  const input = form.querySelector("input");
  const error = page.querySelector("[data-chat-error]");
  const chat = openChatSocket(page.dataset.chatSocket, {
    onState(kind, event, seconds) {
      state.textContent = kind === "open" ? "Connected." : "Connection lost; trying again in " + seconds + " s…";
      state.classList.toggle("offline", kind !== "open");
    },
    onFrame(frame) {
      if (frame.type === "error") {
        error.textContent = frame.message;
        error.hidden = false;
        return;
      }
      log.append(chatLogItem(frame));
      log.scrollTop = log.scrollHeight;
    },
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (chat.send(text)) {
      input.value = "";
      error.hidden = true;
    } else {
      error.textContent = "Not connected; your message is still here. It can be sent once we reconnect.";
      error.hidden = false;
    }
  });
}

function enhanceChatDashboard(root) {
  const page = root.querySelector("[data-chat-dashboard]");
  if (!page) return;
  const rows = page.querySelector("[data-dashboard-rooms]");
  const empty = page.querySelector("[data-dashboard-empty]");
  const state = page.querySelector("[data-dashboard-state]");
  const source = new EventSource(page.dataset.chatDashboard);
  source.addEventListener("open", () => { state.textContent = "Live."; });
  source.addEventListener("error", () => { state.textContent = "Connection lost; reconnecting…"; });
  source.addEventListener("message", (event) => {
    const rooms = JSON.parse(event.data);
    rows.replaceChildren();
    for (const room of rooms) {
      const row = document.createElement("tr");
      row.dataset.room = room.order_id;
      const order = document.createElement("td");
      const link = document.createElement("a");
      link.href = room.link;
      link.textContent = "Chat about " + room.order;
      order.append(link);
      const present = document.createElement("td");
      present.className = "present";
      present.textContent = room.present.length
        ? room.present.map((p) => (p.name === p.email ? p.email : p.name + " <" + p.email + ">") + (p.staff ? " (staff)" : "")).join(", ")
        : "No one";
      const unread = document.createElement("td");
      unread.className = "numeric unread";
      unread.textContent = String(room.unread);
      const admin = document.createElement("td");
      const adminLink = document.createElement("a");
      adminLink.href = room.admin_link;
      adminLink.textContent = "Order " + room.order;
      admin.append(adminLink);
      row.append(order, present, unread, admin);
      rows.append(row);
    }
    empty.hidden = rooms.length > 0;
  });
}

function enhanceLiveOrder(root) {
  const page = root.querySelector("[data-live-order]");
  if (!page || !window.EventSource) return;
  const source = new EventSource(page.dataset.liveOrder);
  const note = page.querySelector("[data-live-note]");
  source.addEventListener("open", () => { note.hidden = false; });
  source.addEventListener("message", (event) => {
    const order = JSON.parse(event.data);
    page.querySelector("[data-order-status]").textContent = order.status;
    for (const line of order.lines) {
      const cell = page.querySelector('[data-line-status="' + line.id + '"]');
      if (cell && cell.textContent !== line.status) {
        cell.textContent = line.status;
        cell.classList.add("changed");
      }
    }
    const history = page.querySelector("[data-order-history]");
    history.replaceChildren(...order.history.map((entry) => {
      const item = document.createElement("li");
      const time = document.createElement("time");
      time.textContent = entry.date;
      item.append(time, " " + entry.what);
      return item;
    }));
  });
}

document.addEventListener("DOMContentLoaded", () => {
  enhanceChatRoom(document);
  enhanceChatDashboard(document);
  enhanceLiveOrder(document);
});
