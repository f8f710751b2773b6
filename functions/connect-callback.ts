import { useCases } from '../shared/app/composition-root.js';
import { connectCallbackQuerySchema } from '../shared/core/connect/complete-connect.js';
import { browserRedirect, errorPage } from '../shared/adapters/http/connect-responses.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Microsoft's authorize endpoint sends the browser here with a code (or an error) and our state;
// the answer is a redirect back to the host's returnTo, or an error page (docs/connect.md).
export const connectCallback = defineHttpFunction({
  name: 'connectCallback',
  methods: ['GET'],
  route: 'connect/callback',
  authLevel: 'anonymous',
  handler: async (request, context) => {
    const completeConnect = useCases().completeConnect;
    if (!completeConnect.ok) return errorPage(503, 'server_error');
    const raw = Object.fromEntries([...request.query].reverse());
    const query = connectCallbackQuerySchema.safeParse(raw);
    if (!query.success) return errorPage(400, 'invalid_request');
    const result = await completeConnect.run(query.data, createLogger(context));
    return result.kind === 'redirect' ? browserRedirect(result.location) : errorPage(result.status, result.error);
  },
});
