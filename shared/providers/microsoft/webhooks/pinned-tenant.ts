// The tenant whose notifications a subscription accepts: the configured one, unless the app is
// multi-tenant ("common", "organizations", "consumers" name no tenant), in which case any.
const NOT_A_TENANT = new Set(['common', 'organizations', 'consumers']);

export function pinnedTenant(configuredTenantId: string | undefined): string | undefined {
  return configuredTenantId && !NOT_A_TENANT.has(configuredTenantId.toLowerCase()) ? configuredTenantId : undefined;
}
