// The mail module of the sandbox: Outlook mailboxes for every tenant user, Graph's mail routes
// (mail-routes.ts) and the mail control (sandbox.mail, /_sandbox/mail/). Part of the default module
// set of startSandbox (sandbox.ts). docs/sandbox-mail.md says what is modelled, with Microsoft's pages.
// Mail state is in memory only: a persisted sandbox (`npm start`) starts with empty mailboxes.
import type { SandboxContext, SandboxModule } from '../sandbox-context.js';
import { SignedTokenCodec } from '../state/signed-token.js';
import { MailControl } from './mail-control.js';
import { registerMailControlRoutes } from './mail-control-routes.js';
import { MailDeltaEngine } from './mail-delta.js';
import { registerMailRoutes } from './mail-routes.js';
import { MailState } from './mail-state.js';
import { MailboxConcurrency } from './mailbox-throttle.js';

export function mailModule(): SandboxModule {
  return (context: SandboxContext) => {
    const port = context.mail;
    const state = new MailState(context.tenant, context.clock, port);
    const delta = new MailDeltaEngine(new SignedTokenCodec());
    const throttle = new MailboxConcurrency();
    const control = new MailControl(state, context.tenant, context.clock, throttle, port);
    port.control = control;
    port.directory = {
      hasMailbox: (userId) => state.hasUser(userId),
      resolveFolder: (userId, idOrName) => {
        if (!state.hasUser(userId)) return undefined;
        return state.findFolder(state.mailbox(userId), idOrName)?.id;
      },
      resolveUser: (idOrUpn) => {
        if (context.tenant.users.has(idOrUpn)) return idOrUpn;
        const lower = idOrUpn.toLowerCase();
        return [...context.tenant.users.values()].find((user) => user.userPrincipalName.toLowerCase() === lower)?.id;
      },
      appHasMailRole: (clientId) => control.appHasMailRole(clientId),
    };
    registerMailControlRoutes(context, control);
    registerMailRoutes(context, { state, delta, throttle, directory: port.directory });
    context.onReset(() => {
      state.reset();
      delta.reset();
      throttle.reset();
      control.reset();
    });
  };
}
