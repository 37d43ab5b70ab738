// The symbols of a derivation box, explained where they stand (see litproof/site/symbols.py).
//
// A defined symbol is marked inside the typeset steps (MathJax's \class) and has a chip, a
// button, beside them. Pointing at either, or focusing the chip, shows the symbol's note:
// the box's own premises for it (its definition, its ranges), copied from the typeset
// "where" part, and its shape. Escape hides the note; the pointer may move onto it. The
// switch in each box turns all of this off, or on again, and the page remembers it.
(() => {
  const STORAGE_KEY = "litproof-symbols";
  const root = document.documentElement;

  const remembered = () => {
    try {
      return localStorage.getItem(STORAGE_KEY);
    } catch (error) {
      return null; // storage refused (a private window): explanations stay on
    }
  };
  const enabled = () => root.dataset.litproofSymbols !== "off";

  const setEnabled = (on) => {
    root.dataset.litproofSymbols = on ? "on" : "off";
    document.querySelectorAll(".derivation-symbols-switch").forEach((button) => {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    if (!on) hide();
  };

  // The note being shown: {note, box, number, anchor}; null when none.
  let shown = null;
  let hideTimer = null;

  const boxOf = (element) => element.closest(".derivation");
  const symbolOf = (element) => {
    const chip = element.closest(".derivation-symbol-chip");
    if (chip) return chip.dataset.symbol;
    const mark = element.closest(".derivation-symbol");
    if (!mark) return null;
    const found = [...mark.classList].find((name) => /^derivation-symbol-\d+$/.test(name));
    return found ? found.slice("derivation-symbol-".length) : null;
  };

  const light = (box, number, on) => {
    box.querySelectorAll(`.derivation-symbol-${number}, .derivation-symbol-chip[data-symbol="${number}"]`)
      .forEach((element) => element.classList.toggle("is-lit", on));
  };

  // Copies the box's typeset premises into the note (once MathJax has typeset them).
  const typeset = (note, box) => {
    const premises = box.querySelectorAll(".derivation-premise");
    let copied = 0;
    note.querySelectorAll("[data-premise]").forEach((slot) => {
      const math = premises[Number(slot.dataset.premise)]?.querySelector("mjx-container");
      slot.replaceChildren();
      if (!math) return;
      const copy = math.cloneNode(true);
      copy.removeAttribute("tabindex");
      copy.removeAttribute("ctxtmenu_counter");
      slot.append(copy);
      copied += 1;
    });
    note.classList.toggle("is-typeset", copied > 0);
  };

  const place = (note, box, anchor) => {
    const frame = box.getBoundingClientRect();
    const target = anchor.getBoundingClientRect();
    note.style.left = "0px";
    const width = note.getBoundingClientRect().width;
    const left = Math.max(0, Math.min(target.left - frame.left, frame.width - width - 4));
    note.style.left = `${left}px`;
    note.style.top = `${target.bottom - frame.top + 6}px`;
  };

  function hide() {
    clearTimeout(hideTimer);
    if (!shown) return;
    shown.note.classList.remove("is-shown");
    shown.note.querySelectorAll("[data-premise]").forEach((slot) => slot.replaceChildren());
    shown.note.classList.remove("is-typeset");
    light(shown.box, shown.number, false);
    shown = null;
  }

  const show = (anchor) => {
    const box = boxOf(anchor);
    const number = symbolOf(anchor);
    const note = box && number !== null ? box.querySelector(`#${CSS.escape(box.id)}-symbol-${number}`) : null;
    if (!note) return;
    clearTimeout(hideTimer);
    if (shown && shown.note === note && shown.anchor === anchor) return;
    hide();
    typeset(note, box);
    place(note, box, anchor);
    note.classList.add("is-shown");
    light(box, number, true);
    shown = {note, box, number, anchor};
  };

  const hideSoon = () => {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 250);
  };

  const target = (event) => {
    if (!enabled() || !(event.target instanceof Element)) return null;
    return event.target.closest(".derivation-symbol-chip, .derivation mjx-container .derivation-symbol");
  };

  document.addEventListener("mouseover", (event) => {
    const anchor = target(event);
    if (anchor) show(anchor);
    else if (shown && event.target instanceof Element && event.target.closest(".derivation-symbol-note") === shown.note) {
      clearTimeout(hideTimer); // the pointer moved onto the note: it stays
    }
  });
  document.addEventListener("mouseout", (event) => {
    if (shown && !(document.activeElement && document.activeElement === shown.anchor)) hideSoon();
  });
  document.addEventListener("focusin", (event) => {
    const anchor = target(event);
    if (anchor) show(anchor);
  });
  document.addEventListener("focusout", (event) => {
    if (shown && event.target === shown.anchor) hide();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && shown) hide();
  });
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest(".derivation-symbols-switch");
    if (!button) return;
    const on = !enabled();
    setEnabled(on);
    try {
      localStorage.setItem(STORAGE_KEY, on ? "on" : "off");
    } catch (error) {
      // storage refused: the choice lasts for this page only
    }
  });
  setEnabled(remembered() !== "off");
  // Material's instant loading would bring new boxes: their switches follow the remembered state.
  if (typeof document$ !== "undefined") document$.subscribe(() => setEnabled(enabled()));
})();
