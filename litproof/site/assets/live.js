// The in-page checker: "Edit and check" on every derivation box, and an editor in
// every "Your turn" paragraph of the exercises (a paragraph with the class
// your-turn, naming its solution's derivation and how many of its steps are given).
//
// The reader's text is checked by the book's own checker (litproof.core) in a Web
// Worker (worker.mjs), loaded from this site when a reader first opens an editor;
// nothing is fetched before. A check that runs past the stated limit is stopped by
// terminating the worker, and reported as unproved (timed out). The build writes
// its settings (files, sizes, the limit, the words in each language) below.
(() => {
  const SETTINGS = /*LITPROOF_LIVE_CONFIG*/null;
  if (!SETTINGS || !window.Worker) return;
  const BASE = new URL(".", document.currentScript.src).href;
  const LANGUAGE = (document.documentElement.lang || "en").split("-")[0];
  const WORDS = SETTINGS.labels[LANGUAGE] || SETTINGS.labels.en;

  const say = (key, values = {}) =>
    WORDS[key].replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
  const escape = (text) =>
    String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const inline = (latex) => `<span class="arithmatex">\\(${escape(latex)}\\)</span>`;
  const display = (latex) => `<div class="arithmatex">\\[${escape(latex)}\\]</div>`;
  const megabytes = (bytes) =>
    bytes >= 100000 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`;
  const seconds = (value) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
  let made = 0;
  const fresh = (stem) => `litproof-${stem}-${++made}`;

  // MathJax typesets one element at a time, after any typeset already under way (see mathjax-config.js).
  function typeset(element) {
    if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return Promise.resolve();
    MathJax.startup.promise = MathJax.startup.promise
      .then(() => MathJax.typesetPromise([element]))
      .catch((error) => console.warn("litproof: MathJax:", error));
    return MathJax.startup.promise;
  }

  function clearMath(element) {
    if (window.MathJax && MathJax.typesetClear) MathJax.typesetClear([element]);
    element.innerHTML = "";
  }

  // --- the page's one checker: a worker loaded on first use, ended after a check's time limit --------

  class Checker {
    constructor() {
      this.worker = null;
      this.ready = false;
      this.stages = null; // what is loading, for the panels that show it
      this.watchers = new Set();
      this.queue = []; // checks waiting their turn: [{id, request, resolve, reject}]
      this.current = null;
      this.timer = 0;
      this.count = 0;
    }

    start() {
      if (this.worker) return;
      const { pyodide, packages } = SETTINGS;
      this.ready = false;
      this.stages = [
        { key: "kept", text: say("stage kept") },
        { key: "runtime", text: say("stage runtime", { python: pyodide.python, version: pyodide.version, size: megabytes(pyodide.bytes) }) },
        ...packages.map((shipped, index) => ({ key: `package ${index}`, text: say("stage packages", { what: WORDS[shipped.label] || shipped.label, size: megabytes(shipped.bytes) }), bytes: shipped.bytes })),
        { key: "start", text: say("stage start") },
      ];
      this.worker = new Worker(new URL("worker.mjs", BASE), { type: "module" });
      this.worker.onmessage = ({ data }) => this.heard(data);
      this.worker.onerror = (event) => this.broken(event.message || "the worker failed to start");
      this.worker.postMessage({ type: "load", base: BASE, settings: SETTINGS });
      this.tell();
    }

    tell() {
      for (const watcher of this.watchers) watcher(this);
    }

    heard(data) {
      if (data.type === "stage") {
        // every stage before the one now loading is done, or was not needed (no compiled modules kept)
        const key = data.stage === "package" ? `package ${data.index}` : data.stage;
        const at = this.stages.findIndex((stage) => stage.key === key);
        this.stages.forEach((stage, index) => {
          if (index < at) stage[stage.active ? "done" : "skipped"] = true;
        });
        this.stages[at].active = true;
        if ("loaded" in data) this.stages[at].loaded = data.loaded;
        this.tell();
      } else if (data.type === "ready") {
        this.ready = true;
        this.timings = data.timings; // seconds of each stage of loading
        this.tell();
      } else if (data.type === "started" && this.current && this.current.id === data.id) {
        this.current.started = performance.now();
        this.timer = setTimeout(() => this.timedOut(), SETTINGS.limit * 1000);
        this.tell();
      } else if (data.type === "result" && this.current && this.current.id === data.id) {
        clearTimeout(this.timer);
        const { resolve } = this.current;
        this.current = null;
        resolve({ ...data.reply, pageSeconds: data.seconds });
        this.next();
      } else if (data.type === "kept") {
        this.kept = true; // this visit's compiled modules are in Cache Storage for the next one
      } else if (data.type === "broken") {
        this.broken(data.message);
      }
    }

    timedOut() {
      const { resolve } = this.current;
      this.current = null;
      this.end();
      resolve({ timedOut: true, holds: false, verdict: "unproved", status: "unproved (timed out)" });
      this.next();
    }

    broken(message) {
      const waiting = [...(this.current ? [this.current] : []), ...this.queue.splice(0)];
      this.current = null;
      this.end();
      for (const check of waiting) check.resolve({ broken: message, holds: false, verdict: null });
    }

    end() {
      clearTimeout(this.timer);
      if (this.worker) this.worker.terminate();
      this.worker = null;
      this.ready = false;
      this.stages = null;
      this.tell();
    }

    check(request) {
      return new Promise((resolve) => {
        this.queue.push({ id: ++this.count, request: JSON.stringify(request), resolve });
        this.start();
        this.next();
      });
    }

    next() {
      if (this.current || !this.queue.length) return;
      this.start();
      this.current = this.queue.shift();
      this.worker.postMessage({ type: "check", id: this.current.id, request: this.current.request });
      this.tell();
    }
  }

  const checker = new Checker();

  // --- what a panel shows -------------------------------------------------------------------------------

  function progress(checker) {
    if (!checker.stages || checker.ready) return "";
    const items = checker.stages
      .filter((stage) => !stage.skipped)
      .map((stage) => {
        const mark = stage.done ? "\u2714" : stage.active ? "\u2026" : "";
        const bar =
          stage.active && !stage.done && stage.bytes
            ? ` <progress max="${stage.bytes}" value="${stage.loaded || 0}"></progress>`
            : "";
        const state = stage.done ? "done" : stage.active ? "active" : "waiting";
        return `<li class="litproof-stage-${state}"><span class="litproof-mark">${mark}</span> ${escape(stage.text)}${bar}</li>`;
      });
    const done = checker.stages.filter((stage) => stage.done).length;
    const total = checker.stages.filter((stage) => !stage.skipped).length;
    return (
      `<p>${escape(say("loading"))} <progress class="litproof-progress" max="${total}" value="${done}" ` +
      `aria-label="${escape(say("loading"))}"></progress></p><ul class="litproof-stages">${items.join("")}</ul>`
    );
  }

  function reasonHtml(text) {
    // a step's reason as the box shows it: words, with $...$ as math; {eq:id} names the result on this page
    return escape(text)
      .replace(/\{eq:([a-z0-9-]+)\}/g, (whole, id) => {
        const number = document.querySelector(`#derivation-${id} .derivation-number`);
        return number ? `<a href="#derivation-${id}">${escape(number.textContent)}</a>` : `<code>${id}</code>`;
      })
      .replace(/\$([^$]+)\$/g, (whole, latex) => `<span class="arithmatex">\\(${latex}\\)</span>`);
  }

  function pairMark(pair) {
    if (!pair) return ["unchecked", say("pair unchecked")];
    if (pair.outcome === "equal") return ["equal", say("pair equal", { method: WORDS[`method ${pair.method}`] || pair.method })];
    if (pair.outcome === "unequal") return ["unequal", say("pair unequal")];
    return ["unknown", say("pair unknown")];
  }

  function stepsHtml(reply) {
    const rows = reply.steps.map((step, number) => {
      const math = step.latex === null ? `<code>${escape(step.source)}</code>` : display(number ? `= ${step.latex}` : step.latex);
      let mark = "";
      if (number > 0) {
        const [kind, words] = pairMark(reply.pairs[number - 1]);
        mark = `<span class="litproof-pair litproof-pair-${kind}" data-pair="${number}">${escape(words)}</span>`;
      }
      return `<li class="derivation-step">${math}<div class="derivation-why">${reasonHtml(step.why)} ${mark}</div></li>`;
    });
    return rows.length ? `<ol class="derivation-steps">${rows.join("")}</ol>` : "";
  }

  function messageHtml(lines) {
    return lines
      .map((parts) => `<p>${parts.map((part) => ("math" in part ? inline(part.math) : escape(part.text))).join("")}</p>`)
      .join("");
  }

  function claim(reply) {
    if (reply.expect === "ill-formed" || reply.expect === "unequal") return say(reply.expect);
    if (reply.pairs.every((pair) => pair.method.startsWith("for all"))) {
      if (!reply.size_names.length) return say("all values");
      return say("all sizes", { names: reply.size_names.map(inline).join(LANGUAGE === "zh" ? "、" : ", ") });
    }
    return say("sizes", { sizes: escape(reply.sizes) });
  }

  function failure(html) {
    return `<div class="derivation-failure" role="alert">${html}</div>`;
  }

  function verdictHtml(reply) {
    if (reply.broken) return failure(`<p>${escape(say("broken", { why: reply.broken }))}</p>`);
    if (reply.timedOut) return failure(`<p>${say("timed out", { limit: SETTINGS.limit })}</p>`);
    if (!reply.holds) return failure(`<p>${say("fails")}</p><div class="litproof-message">${messageHtml(reply.lines)}</div>`);
    if (reply.goal && !reply.goal.reached) {
      const why = reply.goal.why === "derivative" ? "answer derivative" : reply.goal.why === "no step" ? "answer empty" : "answer different";
      const detail = reply.goal.lines ? `<div class="litproof-message">${messageHtml(reply.goal.lines)}</div>` : "";
      return `<div class="litproof-not-yet" role="alert"><p>${say(why)}</p>${detail}</div>`;
    }
    const right = reply.goal ? `<p class="litproof-right">${say("answer right")}</p>` : "";
    const here = escape(say("checked here", { sympy: reply.sympy, seconds: seconds(reply.pageSeconds) }));
    return `${right}<p class="derivation-check">${claim(reply)} ${here}</p>`;
  }

  // --- an editor: the box's own source, or the reader's steps of an exercise ---------------------------

  class Panel {
    constructor(host, { original, request, rows, label }) {
      this.original = original;
      this.request = request;
      this.element = document.createElement("div");
      this.element.className = "litproof-live-panel";
      const editor = fresh("editor");
      this.element.innerHTML =
        `<label class="litproof-label" for="${editor}">${escape(label)}</label>` +
        `<textarea id="${editor}" class="litproof-editor" rows="${rows}" spellcheck="false" autocapitalize="off" ` +
        `autocomplete="off"></textarea>` +
        `<div class="litproof-buttons"><button type="button" class="litproof-check">${escape(say("check"))}</button>` +
        `<button type="button" class="litproof-reset">${escape(say("reset"))}</button>` +
        `<span class="litproof-limit">${escape(say("limit", { limit: SETTINGS.limit }))}</span></div>` +
        `<div class="litproof-status" role="status" aria-live="polite"></div>` +
        `<div class="litproof-result" aria-live="polite" data-state="idle"></div>`;
      host.append(this.element);
      this.editor = this.element.querySelector("textarea");
      this.editor.value = original;
      this.status = this.element.querySelector(".litproof-status");
      this.result = this.element.querySelector(".litproof-result");
      this.element.querySelector(".litproof-check").addEventListener("click", () => this.check());
      this.element.querySelector(".litproof-reset").addEventListener("click", () => this.reset());
      this.editor.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          this.check();
        }
      });
      this.watch = (checker) => this.showProgress(checker);
      checker.watchers.add(this.watch);
    }

    showProgress(checker) {
      const waiting = this.result.dataset.state === "checking";
      const loading = progress(checker);
      this.status.innerHTML = loading || (waiting ? `<p>${escape(say("checking"))}</p>` : "");
    }

    reset() {
      this.editor.value = this.original;
      clearMath(this.result);
      this.result.dataset.state = "idle";
      this.editor.focus();
    }

    async check() {
      clearMath(this.result);
      this.result.dataset.state = "checking";
      this.showProgress(checker);
      const request = this.request(this.editor.value);
      const reply = request ? await checker.check(request) : { holds: true, goal: { reached: false, why: "no step" } };
      this.result.innerHTML = (reply.steps ? stepsHtml(reply) : "") + verdictHtml(reply);
      await typeset(this.result);
      this.result.dataset.state = reply.timedOut ? "timed-out" : "done";
      this.result.dataset.verdict = reply.verdict || "";
      this.showProgress(checker);
      return reply;
    }
  }

  // The chapter and line of the checked copy, as the box's source fold names them.
  function where(box) {
    if (box.dataset.chapter) return { chapter: box.dataset.chapter, line: Number(box.dataset.line) };
    const summary = box.querySelector("details.derivation-source summary");
    const found = summary && summary.textContent.match(/([^\s(（，,]+\.md)\D*?(\d+)/);
    return found ? { chapter: found[1], line: Number(found[2]) } : null;
  }

  function sourceOf(box) {
    const code = box.querySelector("details.derivation-source pre code");
    return code ? code.textContent : null;
  }

  function editAndCheck(box) {
    const text = sourceOf(box);
    const place = where(box);
    if (text === null || !place) return;
    const controls = document.createElement("div");
    controls.className = "litproof-live";
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "litproof-toggle";
    toggle.textContent = say("edit");
    toggle.setAttribute("aria-expanded", "false");
    controls.append(toggle);
    box.append(controls);
    let panel = null;
    toggle.addEventListener("click", () => {
      if (!panel) {
        panel = new Panel(controls, {
          original: text,
          rows: Math.min(30, text.split("\n").length + 4), // long lines wrap: room for a few of them
          label: say("editor"),
          request: (edited) => ({ kind: "block", text: edited, ...place }),
        });
        panel.element.id = fresh("panel");
        toggle.setAttribute("aria-controls", panel.element.id);
        checker.start(); // the runtime starts loading as soon as the editor opens
      } else {
        panel.element.hidden = !panel.element.hidden;
      }
      const open = !panel.element.hidden;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = say(open ? "close" : "edit");
      if (open) panel.editor.focus();
    });
  }

  // The start of a solution: its source up to the first step the reader is to write.
  function givenPart(text, given) {
    const lines = text.replace(/\n$/, "").split("\n");
    const from = Math.max(0, lines.findIndex((line) => /^given:/.test(line)));
    const steps = lines.findIndex((line) => /^steps:/.test(line));
    let count = 0;
    let end = lines.length;
    for (let n = steps + 1; n < lines.length; n += 1) {
      if (/^[A-Za-z_][\w-]*:/.test(lines[n])) {
        end = n;
        break;
      }
      if (!lines[n].trim()) continue;
      if (count === 0 || lines[n].trim().startsWith("=")) count += 1;
      if (count > given) {
        end = n;
        break;
      }
    }
    return lines.slice(from, end).join("\n");
  }

  function yourTurn(paragraph) {
    const solution = document.getElementById(`derivation-${paragraph.dataset.derivation}`);
    const given = Number(paragraph.dataset.steps || 1);
    const text = solution && sourceOf(solution);
    const place = solution && where(solution);
    if (!text || !place) return;
    const box = document.createElement("div");
    box.className = "litproof-your-turn";
    box.dataset.derivation = paragraph.dataset.derivation;
    const start = document.createElement("div");
    start.innerHTML = `<p class="litproof-label">${escape(say("your turn given"))}</p><pre><code>${escape(givenPart(text, given))}</code></pre>`;
    paragraph.replaceWith(box);
    box.append(paragraph, start);
    const panel = new Panel(box, {
      original: "",
      rows: 4,
      label: say("your turn editor"),
      request: (answer) =>
        answer.trim() ? { kind: "answer", text, ...place, given, answer } : null,
    });
    panel.editor.placeholder = "= ...";
    panel.editor.addEventListener("focus", () => checker.start(), { once: true });
  }

  function attach() {
    document.querySelectorAll("div.derivation[id^='derivation-']").forEach(editAndCheck);
    document.querySelectorAll(".your-turn[data-derivation]").forEach(yourTurn);
  }

  // For the book's tests and benchmarks: the page's boxes as the editors read them, and the same checker.
  function boxes() {
    return [...document.querySelectorAll("div.derivation[id^='derivation-']")]
      .map((box) => ({ text: sourceOf(box), ...where(box) }))
      .filter((box) => box.text !== null && box.chapter);
  }
  window.litproofLive = { check: (request) => checker.check(request), boxes, checker, settings: SETTINGS };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attach);
  else attach();
})();
