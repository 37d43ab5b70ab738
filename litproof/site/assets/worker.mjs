// The in-page checker's Web Worker: Python (Pyodide), SymPy, mpmath and the book's
// checker (litproof.core), all from this site; then one check per message.
//
// The page sends {type: "load", base, settings} once, then {type: "check", id,
// request} for each check; it hears {type: "stage", ...} while loading, {type:
// "ready"}, then {type: "started", id} and {type: "result", id, reply} for each
// check. A check has no time limit in here (Python has no timer in a worker): the
// page terminates this worker after its stated limit.
//
// Compiling Python's modules is most of a first start. After a first verdict the
// worker keeps what this visit compiled in the browser's Cache Storage (compiled.py
// makes the zips); the next visit loads the standard library and each package
// from those zips and compiles nothing it compiled before.

const KEPT = "litproof-live"; // the Cache Storage of the kept zips

const START = `
import sys
sys.dont_write_bytecode = False  # so that this visit's compiled modules can be kept
from litproof.core.live import LiveChecker
checker = LiveChecker.of_files([tuple(word) for word in words])
`;

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

class Runtime {
  constructor(base, settings) {
    this.base = base;
    this.settings = settings;
    this.pyodide = null;
    this.handle = null; // LiveChecker.handle, once started
    this.site = "";
    this.cache = null;
    this.unkept = []; // the packages unpacked from the site's zips: their compiled modules are not kept yet
    this.stdlibKept = false;
    this.keeping = null;
    this.timings = {}; // seconds of each stage of loading
  }

  url(path) {
    return new URL(path, this.base).href;
  }

  // The names in Cache Storage (keys, never fetched): each made from one version of what it holds.
  keptUrl(stem) {
    return this.url(`kept/${stem}.zip`);
  }

  run(code, names = {}) {
    const namespace = this.pyodide.toPy(names);
    try {
      this.pyodide.runPython(code, { globals: namespace });
      return namespace;
    } catch (error) {
      namespace.destroy();
      throw error;
    }
  }

  async fetchBytes(url, onBytes) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const reader = response.body.getReader();
    const chunks = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      onBytes(loaded);
    }
    const bytes = new Uint8Array(loaded);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }

  async kept(stem) {
    if (!this.cache) return null;
    const found = await this.cache.match(this.keptUrl(stem));
    return found ? found.blob() : null;
  }

  async load(post) {
    const { pyodide: runtime, packages, words } = this.settings;
    let last = performance.now();
    const lap = (name) => {
      const now = performance.now();
      this.timings[name] = (now - last) / 1000;
      last = now;
    };
    try {
      this.cache = self.caches ? await caches.open(KEPT) : null;
    } catch {
      this.cache = null; // no Cache Storage (a private window, say): every visit compiles again
    }
    const stdlib = await this.kept(runtime.kept);
    const compiled = await Promise.all(packages.map((shipped) => (shipped.kept ? this.kept(shipped.kept) : null)));
    if (stdlib || compiled.some(Boolean)) post({ type: "stage", stage: "kept" });
    lap("kept");

    post({ type: "stage", stage: "runtime" });
    const { loadPyodide } = await import(this.url(`${runtime.folder}pyodide.mjs`));
    this.pyodide = await loadPyodide({
      indexURL: this.url(runtime.folder),
      lockFileContents: JSON.stringify(runtime.lock),
      ...(stdlib ? { stdLibURL: URL.createObjectURL(stdlib) } : {}),
      stdout: () => {},
    });
    this.stdlibKept = Boolean(stdlib);
    this.site = this.pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
    lap("runtime");

    this.pyodide.FS.mkdirTree("/lib/kept");
    for (const [index, shipped] of packages.entries()) {
      if (compiled[index]) {
        // the zip kept on an earlier visit, imported as it is: its modules are compiled already
        const path = `/lib/kept/${shipped.kept}.zip`;
        this.pyodide.FS.writeFile(path, new Uint8Array(await compiled[index].arrayBuffer()));
        this.run("import sys\nsys.path.insert(0, path)", { path }).destroy();
        continue;
      }
      post({ type: "stage", stage: "package", index, loaded: 0 });
      const bytes = await this.fetchBytes(this.url(shipped.zip), (loaded) =>
        post({ type: "stage", stage: "package", index, loaded }),
      );
      this.pyodide.unpackArchive(bytes, "zip", { extractDir: this.site });
      if (shipped.kept) this.unkept.push(shipped);
    }
    lap("packages");

    post({ type: "stage", stage: "start" });
    const located = words.map(([inside, name]) => [`${this.site}/${inside}`, name]);
    const namespace = this.run(START, { words: located });
    this.handle = namespace.get("checker").handle;
    namespace.destroy();
    lap("start");
  }

  check(request) {
    return JSON.parse(this.handle(request));
  }

  async store(stem, bytes) {
    const prefix = stem.replace(/-[^-]*-pyodide-.*$/, "-"); // "sympy-", "checker-", "python-": older versions go
    for (const key of await this.cache.keys()) {
      const name = key.url.split("/").pop();
      if (name.startsWith(prefix) && key.url !== this.keptUrl(stem)) await this.cache.delete(key);
    }
    await this.cache.put(this.keptUrl(stem), new Response(bytes, { headers: { "Content-Type": "application/zip" } }));
  }

  // After a verdict: keep what this visit compiled, for the next visit (once per version); true if it kept any.
  keep() {
    if (!this.keeping) this.keeping = this.keepAll().finally(() => (this.keeping = null));
    return this.keeping;
  }

  async keepAll() {
    if (!this.cache || (!this.unkept.length && this.stdlibKept)) return false;
    const source = await (await fetch(this.url("compiled.py"))).text();
    const kept = this.run(source);
    try {
      for (const shipped of this.unkept.splice(0)) {
        const zipped = kept.get("package_zip")(this.site, shipped.folders);
        await this.store(shipped.kept, zipped.toJs());
        zipped.destroy();
        await pause();
      }
      if (this.stdlibKept) return true;
      const names = kept.get("stdlib_modules")().toJs();
      const compiled = this.pyodide.toPy({});
      for (let start = 0; start < names.length; start += 12) {
        // a batch at a time: a reader's check waiting in between runs first
        const batch = kept.get("compile_modules")(names.slice(start, start + 12));
        compiled.update(batch);
        batch.destroy();
        await pause();
      }
      const zipped = kept.get("stdlib_zip")(compiled);
      await this.store(this.settings.pyodide.kept, zipped.toJs());
      zipped.destroy();
      compiled.destroy();
      this.stdlibKept = true;
      return true;
    } finally {
      kept.destroy();
    }
  }
}

let runtime = null;
let loading = null;

const text = (error) => String(error && error.message ? error.message : error);

self.onmessage = async ({ data }) => {
  const post = (message) => self.postMessage(message);
  if (data.type === "load") {
    runtime = new Runtime(data.base, data.settings);
    const started = performance.now();
    loading = runtime.load(post).then(
      () => post({ type: "ready", seconds: (performance.now() - started) / 1000, timings: runtime.timings }),
      (error) => {
        post({ type: "broken", message: text(error) });
        throw error;
      },
    );
    return;
  }
  if (data.type === "check") {
    try {
      await loading;
    } catch {
      return; // already reported as broken
    }
    post({ type: "started", id: data.id });
    const started = performance.now();
    let reply;
    try {
      reply = runtime.check(data.request);
    } catch (error) {
      post({ type: "broken", id: data.id, message: text(error) });
      return;
    }
    post({ type: "result", id: data.id, reply, seconds: (performance.now() - started) / 1000 });
    try {
      if (await runtime.keep()) post({ type: "kept" });
    } catch (error) {
      console.warn("litproof: the compiled modules are not kept:", error);
    }
  }
};
