/**
 * The line between a character-level reader and its card (CCID rev 1.1 §6.1.4: at
 * character level an XfrBlock carries the characters to send and, in wLevelParameter,
 * how many characters to read back). What the card sends waits on the line until the
 * host asks for it; asking for more than the card sent is silence (ICC_MUTE), as a
 * real reader's character timeout.
 *   PPS: the card's answer (or silence) goes on the line.
 *   T=1: characters gather until a whole block (prologue, LEN, EDC; 7816-3 §11.3) is in,
 *        then the card's block goes on the line.
 *   T=0: T0CharCard answers procedure bytes as characters come (t0-char-card.ts).
 */
import type { T1Card } from '../../protocol/t1-card.ts';
import type { T0CharCard } from './t0-char-card.ts';

export class SimCharLine {
  private readonly line: number[] = [];
  private block: number[] = [];

  /** Characters the card sends outside T=0 (PPS answer, T=1 blocks). */
  put(bytes: Uint8Array): void {
    this.line.push(...bytes);
  }

  clear(): void {
    this.line.length = 0;
    this.block = [];
  }

  /** Feed characters to the T=1 card; a whole block is answered on the line. */
  t1(card: T1Card, bytes: Uint8Array, edcLength: number): void {
    for (const b of bytes) {
      this.block.push(b);
      const len = this.block[2];
      if (len !== undefined && this.block.length === 3 + len + edcLength) {
        const block = Uint8Array.from(this.block);
        this.block = [];
        this.put(card.receive(block));
      }
    }
  }

  /** `count` characters from the card, or undefined when it has sent fewer (mute). */
  take(count: number, t0: T0CharCard | undefined): Uint8Array | undefined {
    if (t0 && this.line.length === 0) return t0.send(count);
    if (this.line.length < count) {
      this.line.length = 0;
      return undefined;
    }
    return Uint8Array.from(this.line.splice(0, count));
  }
}
