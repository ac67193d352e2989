/**
 * The services until the real layers are wired in (main.tsx): every call says
 * "unavailable", which the UI shows in plain words. Not a fake: it holds no data.
 */
import type { Services } from './services.ts';

const unavailable = (): Promise<never> => Promise.reject(Object.assign(new Error('card services are not wired yet'), { code: 'unavailable' }));

export const unwiredServices: Services = {
  connectDemo: unavailable,
  connectReader: unavailable,
  disconnect: () => Promise.resolve(),
  cardPresent: () => Promise.resolve(false),
  onCardEvent: () => () => undefined,
  readCard: unavailable,
  verifyPin: unavailable,
  backup: unavailable,
  restore: unavailable,
  timelineCount: () => Promise.resolve(0),
  timeline: () => Promise.resolve([]),
  vaultStatus: unavailable,
  verifyVault: unavailable,
  retention: unavailable,
  exportVault: unavailable,
  importVault: unavailable,
  demo: () => null,
};
