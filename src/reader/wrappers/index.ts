/**
 * The usual stack over a raw link: extended length on top, then 61xx GET RESPONSE,
 * then 6Cxx re-issue nearest the link (a re-issued command may itself answer 61xx).
 */
import type { Transport } from '../../protocol/transport.ts';
import { withExtendedLength } from './extended-length.ts';
import { withGetResponse } from './get-response.ts';
import { withLeReissue } from './le-reissue.ts';

export { withCommandChaining, sendChained, CLA_CHAINING } from './chaining.ts';
export { withExtendedLength, withGetResponse, withLeReissue };

export function withIsoWrappers(link: Transport): Transport {
  return withExtendedLength(withGetResponse(withLeReissue(link)));
}
