/** The injected Transport, for setup stores (stores call the contract; components render). */
import { inject } from 'vue';
import { transportKey, type Transport } from '../transport/transport.js';

export function useTransport(storeName: string): () => Transport {
  const transport: Transport | undefined = inject(transportKey);
  return () => {
    if (!transport) throw new Error(`${storeName}: no Transport provided (app.provide(transportKey, …))`);
    return transport;
  };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
