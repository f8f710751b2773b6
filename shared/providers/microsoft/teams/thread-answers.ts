// What the channel and chat cursors do alike with Graph's answers and links.
import type { ChangePage } from '../../../core/domain/remote-item.js';
import type { LimitedTransport } from '../graph/gated-transport.js';
import { discardBody, failureFrom } from '../graph/graph-transport.js';
import { goneThreadPage } from './teams-mapping.js';

/**
 * A failed answer of a channel's or chat's messages: a thread that is gone (404) retires its cursor
 * when the source reads every channel or chat (its page is returned); otherwise the failure is thrown,
 * 404 meaning the source has lost its place when it reads that one thread. 410 and the resync codes
 * are an expired cursor with a full restart: the engine's reconcile drops what a restart does not
 * list, so a partial restart (a chat's mark) would drop every older message.
 */
export async function goneOrThrow(
  response: Response,
  cursorName: string,
  what: 'channel' | 'chat',
  oneThread: boolean,
): Promise<ChangePage> {
  if (response.status === 404 && !oneThread) {
    await discardBody(response);
    return goneThreadPage(cursorName);
  }
  throw await failureFrom(response, {
    what,
    missingMeans: oneThread ? 'source' : 'thing',
    delta: { restartCursor: () => undefined },
  });
}

/** A path of ours, or an absolute link on the configured Graph endpoint. */
export function isOurLink(transport: Pick<LimitedTransport, 'isGraphUrl'>, link: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(link) ? transport.isGraphUrl(link) : link.startsWith('/');
}
