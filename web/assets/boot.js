// Starts Warren's WebAssembly app. A file of its own, not an inline script,
// so that the page's Content-Security-Policy can allow Warren's scripts only.
import init from '/warren_web.js';
init({ module_or_path: '/warren_web_bg.wasm' });
