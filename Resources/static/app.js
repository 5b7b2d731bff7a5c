// The BookTime app (the book's React Native app, chapter 9): sign in for a device token, list
// "Your BookTime orders", show a selected order's shipment status and chat about it over the
// WebSocket with ?token=. Vanilla JS; realtime.js gives openChatSocket and chatLogItem.
"use strict";

const TOKEN_KEY = "booktime.token";

function appElements() {
  const body = document.body;
  const q = (selector) => document.querySelector(selector);
  return {
    authURL: body.dataset.authUrl,
    ordersURL: body.dataset.ordersUrl,
    login: q("[data-login-view]"),
    loginForm: q("[data-login-form]"),
    loginError: q("[data-login-error]"),
    signOut: q("[data-sign-out]"),
    ordersView: q("[data-orders-view]"),
    ordersState: q("[data-orders-state]"),
    orders: q("[data-orders]"),
    chatView: q("[data-chat-view]"),
    chatTitle: q("[data-chat-title]"),
    shipment: q("[data-shipment]"),
    chatState: q("[data-chat-state]"),
    chatLog: q("[data-chat-log]"),
    chatForm: q("[data-chat-form]"),
    chatError: q("[data-chat-error]"),
  };
}

// The mobile API with the device token (BackendApi in the book).
function backend(elements) {
  const token = () => localStorage.getItem(TOKEN_KEY);
  async function call(url, options = {}) {
    const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    if (token()) headers.Authorization = "Token " + token();
    const response = await fetch(url, Object.assign({}, options, { headers, credentials: "omit" }));
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.message || "The shop answered " + response.status + ".");
      error.status = response.status;
      throw error;
    }
    return body;
  }
  return {
    token,
    async auth(username, password) {
      const body = await call(elements.authURL, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password, device: "BookTime web app" }),
      });
      if (!body.token) return false;
      localStorage.setItem(TOKEN_KEY, body.token);
      return true;
    },
    signOut() { localStorage.removeItem(TOKEN_KEY); },
    fetchOrders() { return call(elements.ordersURL); },
    async fetchShipmentStatus(id) {
      const body = await call(elements.ordersURL + id + "/tracker/");
      return body.status || "n/a";
    },
  };
}

function startApp() {
  const elements = appElements();
  if (!elements.loginForm) return;
  const api = backend(elements);
  let chat = null;
  let selected = null;

  function show(loggedIn) {
    elements.login.hidden = loggedIn;
    elements.ordersView.hidden = !loggedIn;
    elements.chatView.hidden = !loggedIn;
    elements.signOut.hidden = !loggedIn;
  }

  function orderRow(order) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "app-order";
    button.dataset.order = order.id;
    button.setAttribute("aria-pressed", "false");
    const picture = document.createElement(order.image ? "img" : "span");
    picture.className = "app-order-image";
    if (order.image) {
      picture.src = order.image;
      picture.alt = "";
      picture.width = 50;
      picture.height = 50;
    }
    const summary = document.createElement("span");
    summary.className = "app-order-summary";
    summary.textContent = "Order BT" + order.id + ": " + order.summary;
    const price = document.createElement("span");
    price.className = "app-order-price";
    price.textContent = new Intl.NumberFormat(undefined, { style: "currency", currency: order.currency }).format(Number(order.price));
    button.append(picture, summary, price);
    button.addEventListener("click", () => select(order.id));
    item.append(button);
    return item;
  }

  async function loadOrders() {
    show(true);
    elements.ordersState.textContent = "Loading your orders…";
    try {
      const orders = await api.fetchOrders();
      elements.orders.replaceChildren(...orders.map(orderRow));
      elements.ordersState.textContent = orders.length ? "" : "You have no orders yet.";
    } catch (error) {
      if (error.status === 401) return signOut("Please log in again.");
      elements.ordersState.textContent = "Error fetching orders. " + error.message;
    }
  }

  async function select(id) {
    if (selected === id) return;
    selected = id;
    for (const button of elements.orders.querySelectorAll("[data-order]")) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.order) === id));
    }
    if (chat) chat.close();
    elements.chatLog.replaceChildren();
    elements.chatError.hidden = true;
    elements.chatTitle.textContent = "Chat for order BT" + id;
    elements.shipment.textContent = "…";
    api.fetchShipmentStatus(id).then(
      (status) => { if (selected === id) elements.shipment.textContent = status; },
      () => { if (selected === id) elements.shipment.textContent = "n/a"; }
    );
    chat = openChatSocket("/ws/customer-service/" + id + "/?token=" + encodeURIComponent(api.token()), {
      onState(kind, event, seconds) {
        elements.chatState.textContent = kind === "open" ? "Connected." : "Connection lost; trying again in " + seconds + " s…";
      },
      onFrame(frame) {
        if (frame.type === "error") {
          elements.chatError.textContent = frame.message;
          elements.chatError.hidden = false;
          return;
        }
        elements.chatLog.append(chatLogItem(frame));
        elements.chatLog.scrollTop = elements.chatLog.scrollHeight;
      },
    });
  }

  function signOut(message) {
    if (chat) chat.close();
    chat = null;
    selected = null;
    api.signOut();
    elements.orders.replaceChildren();
    show(false);
    elements.loginError.textContent = message || "";
    elements.loginError.hidden = !message;
  }

  elements.loginForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(elements.loginForm);
    elements.loginError.hidden = true;
    try {
      if (await api.auth(form.get("username"), form.get("password"))) {
        elements.loginForm.reset();
        loadOrders();
      }
    } catch (error) {
      elements.loginError.textContent = "Login unsuccessful. " + error.message;
      elements.loginError.hidden = false;
    }
  });
  elements.signOut.addEventListener("click", () => signOut());
  elements.chatForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = elements.chatForm.querySelector("input");
    const text = input.value.trim();
    if (!text || !chat) return;
    if (chat.send(text)) input.value = "";
  });

  if (api.token()) loadOrders(); else show(false);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(document.body.dataset.serviceWorker, { scope: "/app/" });
}

document.addEventListener("DOMContentLoaded", startApp);
