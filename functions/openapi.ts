import { useCases } from '../shared/app/composition-root.js';
import { json } from '../shared/adapters/http/problem.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// The OpenAPI 3.1 document of these routes (docs/api.md, "The OpenAPI document"). Anonymous, like
// health: it holds no secret and no setting, and client generators fetch it without a key.
export const openapi = defineHttpFunction({
  name: 'openapi',
  methods: ['GET'],
  route: 'openapi.json',
  authLevel: 'anonymous',
  handler: () => Promise.resolve(json(200, useCases().describeApi(), { 'cache-control': 'public, max-age=300' })),
});
