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

document.addEventListener("DOMContentLoaded", () => {
  enhanceCharacterCounters(document);
  enhanceImageSwitchers(document);
});
