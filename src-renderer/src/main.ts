/** Renderer composition root: the transport is chosen once and provided to every store. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createTransport, transportKey, type Transport } from './transport/index.js';

function start(transport: Transport): void {
  const app = createApp(App);
  app.provide(transportKey, transport);
  app.use(createPinia());
  app.mount('#app');
}

try {
  start(createTransport());
} catch (err) {
  // No host to talk to: say so on the page instead of leaving it blank.
  const root = document.getElementById('app');
  if (root) root.textContent = err instanceof Error ? err.message : String(err);
  throw err;
}
