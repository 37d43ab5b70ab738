// The map of the results (see litproof/site/results_map.py): pointing at a node, or focusing it,
// lights the arrows of what it uses and of what uses it.
(() => {
  const lit = [];
  const clear = () => {
    lit.splice(0).forEach((edge) => edge.classList.remove("map-lit"));
  };
  const light = (event) => {
    const link = event.target instanceof Element && event.target.closest(".results-map-svg .map-link");
    if (!link) return;
    clear();
    const ident = link.parentElement.dataset.result;
    const svg = link.closest("svg");
    svg.querySelectorAll(`.map-from-${CSS.escape(ident)}, .map-to-${CSS.escape(ident)}`).forEach((edge) => {
      edge.classList.add("map-lit");
      lit.push(edge);
    });
  };
  document.addEventListener("mouseover", light);
  document.addEventListener("focusin", light);
  document.addEventListener("mouseout", (event) => {
    if (event.target instanceof Element && event.target.closest(".results-map-svg .map-link")) clear();
  });
  document.addEventListener("focusout", clear);
})();
