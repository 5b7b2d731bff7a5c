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

document.addEventListener("DOMContentLoaded", () => {
  enhanceCharacterCounters(document);
});
