// BookTime's small progressive enhancements. Every page works without this file.
"use strict";

// A live "N characters left" under text areas that have a maxlength.
function enhanceCharacterCounters(root) {
  for (const area of root.querySelectorAll("textarea[maxlength]")) {
    const limit = Number(area.getAttribute("maxlength"));
    const counter = document.createElement("p");
    counter.className = "char-counter";
    counter.setAttribute("aria-live", "polite");
    const update = () => {
      const left = limit - area.value.length;
      counter.textContent = left + (left === 1 ? " character left" : " characters left");
    };
    area.addEventListener("input", update);
    area.insertAdjacentElement("afterend", counter);
    update();
  }
}

// The product page's image switcher (the book's React ImageBox): clicking a thumbnail shows it.
function enhanceImageSwitchers(root) {
  for (const gallery of root.querySelectorAll("[data-image-switcher]")) {
    const current = gallery.querySelector(".current-image img");
    for (const button of gallery.querySelectorAll(".thumb-button")) {
      button.addEventListener("click", () => {
        current.src = button.dataset.full;
        for (const other of gallery.querySelectorAll(".thumb-button")) other.classList.remove("selected");
        button.classList.add("selected");
      });
    }
  }
}

// The book's plus/minus widget: "−" and "+" buttons around a number input, kept within its
// min and max. Without JavaScript the number input works on its own.
function enhancePlusMinus(root) {
  for (const input of root.querySelectorAll("input[data-plus-minus]")) {
    const min = Number(input.min || 1);
    const max = Number(input.max || 10);
    const make = (label, text, step) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "plus-minus";
      button.textContent = text;
      button.setAttribute("aria-label", label);
      button.addEventListener("click", () => {
        const value = Math.min(max, Math.max(min, (Number(input.value) || min) + step));
        input.value = String(value);
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      return button;
    };
    const group = document.createElement("span");
    group.className = "plus-minus-group";
    input.replaceWith(group);
    group.append(make("One less", "\u2212", -1), input, make("One more", "+", 1));
  }
}

// Back-office lists: the header checkbox selects or clears every row on the page.
function enhanceSelectAll(root) {
  for (const master of root.querySelectorAll("[data-select-all]")) {
    const form = master.closest("form");
    master.addEventListener("change", () => {
      for (const box of form.querySelectorAll('input[name="_selected"]')) box.checked = master.checked;
    });
  }
}

// Sort and filter bars: a change applies at once (the "Apply" button is for pages without JavaScript).
function enhanceSubmitOnChange(root) {
  for (const form of root.querySelectorAll("form[data-submit-on-change]")) {
    form.addEventListener("change", () => form.requestSubmit());
    for (const button of form.querySelectorAll('button[type="submit"]')) button.classList.add("visually-hidden");
  }
}

// "Add to basket" stays on the page: the form is posted in the background, the header's basket
// count and a status line change. Without JavaScript (or if the request fails) the form posts
// as usual and the shop comes back to this page with the message.
function enhanceAddToBasket(root) {
  let status = document.querySelector("[data-basket-status]");
  if (!status) {
    status = document.createElement("p");
    status.className = "basket-status";
    status.setAttribute("role", "status");
    status.setAttribute("data-basket-status", "");
    document.body.append(status);
  }
  for (const form of root.querySelectorAll("form[data-add-to-basket]")) {
    form.addEventListener("submit", async (event) => {
      const button = event.submitter;
      event.preventDefault();
      const data = new FormData(form, button);
      if (button) button.disabled = true;
      try {
        const response = await fetch(form.action, {
          method: "POST", body: new URLSearchParams(data), credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const answer = await response.json();
        status.textContent = answer.message;
        status.classList.toggle("basket-status-error", !answer.ok);
        status.classList.add("visible");
        clearTimeout(status.hideTimer);
        status.hideTimer = setTimeout(() => status.classList.remove("visible"), 5000);
        if (answer.basketCount) {
          for (const count of document.querySelectorAll("[data-basket-count]")) count.textContent = answer.basketCount;
        }
      } catch (error) {
        if (button && button.name) {
          const chosen = document.createElement("input");
          chosen.type = "hidden";
          chosen.name = button.name;
          chosen.value = button.value;
          form.append(chosen);
        }
        form.submit();
      } finally {
        if (button) button.disabled = false;
      }
    });
  }
}

// The basket saves a changed quantity by itself: the form is posted in the background and the
// page's content is replaced by the answer (new totals, messages), keeping the focus where it was.
// Without JavaScript the "Update basket" button does the same.
function enhanceBasketAutoUpdate(root) {
  const form = root.querySelector("form.basket-form");
  if (!form) return;
  for (const button of form.querySelectorAll("[data-update-basket]")) button.classList.add("visually-hidden");
  let timer = null;
  form.addEventListener("change", (event) => {
    if (!event.target.matches("input.quantity-input")) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const focusedID = document.activeElement && document.activeElement.id;
      try {
        const response = await fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin" });
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.querySelector("main");
        if (!fresh) throw new Error("no page");
        document.querySelector("main").replaceChildren(...fresh.childNodes);
        for (const count of document.querySelectorAll("[data-basket-count]")) {
          const updated = page.querySelector("[data-basket-count]");
          if (updated) count.textContent = updated.textContent;
        }
        enhancePlusMinus(document);
        enhanceBasketAutoUpdate(document);
        if (focusedID && document.getElementById(focusedID)) document.getElementById(focusedID).focus();
      } catch (error) {
        form.submit();
      }
    }, 400);
  });
}

// Back-office checklists (a product's tags): a box that narrows the list as one types.
function enhanceChecklists(root) {
  for (const list of root.querySelectorAll("[data-checklist]")) {
    const filter = list.querySelector("[data-checklist-filter]");
    if (!filter) continue;
    filter.hidden = false;
    filter.addEventListener("input", () => {
      const wanted = filter.value.trim().toLowerCase();
      for (const item of list.querySelectorAll("li")) {
        item.hidden = wanted !== "" && !item.textContent.toLowerCase().includes(wanted);
      }
    });
  }
}

// Back-office fieldsets shown as text (an order's addresses): "Edit" opens the fields. Without
// JavaScript the text and the fields both show.
function enhanceEditToggles(root) {
  for (const fields of root.querySelectorAll("[data-collapsible]")) {
    const button = fields.parentElement.querySelector("[data-edit-fieldset]");
    if (!button) continue;
    if (fields.hasAttribute("data-open")) continue;
    fields.hidden = true;
    button.hidden = false;
    button.addEventListener("click", () => {
      fields.hidden = false;
      button.hidden = true;
      const first = fields.querySelector("input, select, textarea");
      if (first) first.focus();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  enhanceEditToggles(document);
  enhanceChecklists(document);
  enhanceBasketAutoUpdate(document);
  enhanceSubmitOnChange(document);
  enhanceAddToBasket(document);
  enhanceSelectAll(document);
  enhanceCharacterCounters(document);
  enhanceImageSwitchers(document);
  enhancePlusMinus(document);
});
