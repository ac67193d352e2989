/** The demo reader for the demo card's protocols (demo-protocols.ts says why). Demo only. */
import { simClassDescriptor, simConfig, type SimLevel, type SimReaderConfig } from '../../reader/sim-usb-reader/index.ts';
import type { DemoWorldOptions } from './demo-world.ts';

/** The demo reader for the card's protocols: the APDU reader when none were chosen, else a TPDU reader declaring T=0 and T=1. */
export function demoReaderConfig(protocols: DemoWorldOptions['protocols'], apduLevel: SimLevel): SimLevel | SimReaderConfig {
  if (!protocols) return apduLevel;
  const tpdu = simConfig('tpdu-t1', { productName: 'icvault demo TPDU reader' });
  return { ...tpdu, descriptor: { ...simClassDescriptor(tpdu), dwProtocols: 0x03 } };
}
