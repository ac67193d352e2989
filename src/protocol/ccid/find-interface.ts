/**
 * Find the CCID interfaces in a configuration: class 0x0B (CCID rev 1.1 §4.2), or a
 * vendor-class (0xFF) interface that carries a 54-byte CCID class descriptor, as several
 * readers do (libccid lists them by VID:PID; we accept any that has the descriptor).
 */
import { fail, ok, type Decoded } from '../result.ts';
import type { UsbConfigurationInfo, UsbEndpointInfo, UsbInterfaceInfo } from '../usb-descriptors.ts';
import { CCID_DESCRIPTOR_LENGTH, decodeClassDescriptor, type CcidClassDescriptor } from './class-descriptor.ts';

export const CCID_CLASS = 0x0b;
export const VENDOR_CLASS = 0xff;

export interface CcidInterface {
  interfaceNumber: number;
  alternate: number;
  interfaceClass: number;
  /** bInterfaceProtocol: 0 = bulk CCID; 1, 2 = ICCD (control transfers) (§4.2). */
  interfaceProtocol: number;
  descriptor: CcidClassDescriptor;
  bulkIn: UsbEndpointInfo | undefined;
  bulkOut: UsbEndpointInfo | undefined;
  interruptIn: UsbEndpointInfo | undefined;
}

function classDescriptorOf(i: UsbInterfaceInfo): Uint8Array | undefined {
  return i.extra.find((x) => x.length === CCID_DESCRIPTOR_LENGTH && (x[1] === 0x21 || x[1] === 0xff));
}

export function findCcidInterfaces(cfg: UsbConfigurationInfo): Decoded<CcidInterface[]> {
  const found: CcidInterface[] = [];
  for (const i of cfg.interfaces) {
    if (i.interfaceClass !== CCID_CLASS && i.interfaceClass !== VENDOR_CLASS) continue;
    const raw = classDescriptorOf(i);
    if (!raw) {
      if (i.interfaceClass === CCID_CLASS) return fail('CCID interface', `interface ${i.number} has class 0x0B but no CCID class descriptor`);
      continue;
    }
    const d = decodeClassDescriptor(raw);
    if (!d.ok) return d;
    const ep = (dir: 'in' | 'out', type: 'bulk' | 'interrupt') => i.endpoints.find((e) => e.direction === dir && e.type === type);
    found.push({
      interfaceNumber: i.number,
      alternate: i.alternate,
      interfaceClass: i.interfaceClass,
      interfaceProtocol: i.interfaceProtocol,
      descriptor: d.value,
      bulkIn: ep('in', 'bulk'),
      bulkOut: ep('out', 'bulk'),
      interruptIn: ep('in', 'interrupt'),
    });
  }
  return ok(found);
}
