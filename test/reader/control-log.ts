/**
 * The control transfers of a simulated ICCD A device (libccid's ICCD_A branches), logged
 * as "out <request> <data hex>" and, for class requests, "in <request> <length> <data hex>",
 * so a test can assert the exact exchange.
 */
import { hex } from '../../src/protocol/bytes.ts';
import type { SimUsbReader } from '../../src/reader/sim-usb-reader/index.ts';

export function logControlTransfers(sim: SimUsbReader): string[] {
  const log: string[] = [];
  const out = sim.controlTransferOut.bind(sim);
  const inn = sim.controlTransferIn.bind(sim);
  sim.controlTransferOut = (setup, data) => {
    log.push(`out ${setup.request.toString(16)} ${hex(data ?? new Uint8Array(0))}`.trim());
    return out(setup, data);
  };
  sim.controlTransferIn = async (setup, length) => {
    const r = await inn(setup, length);
    if (setup.requestType === 'class') log.push(`in ${setup.request.toString(16)} ${length} ${r.data ? hex(new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)) : ''}`.trim());
    return r;
  };
  return log;
}
