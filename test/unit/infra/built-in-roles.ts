// Azure built-in role GUIDs by role name, for the infra test to check the GUIDs infra/app/rbac.bicep uses.
// Source: Microsoft Learn "Azure built-in roles" (role-based-access-control/built-in-roles), cross-checked
// against role tables in Azure/bicep-registry-modules (avm/res/web/site builtInRoleNames) and public
// templates that name the same GUIDs. Built-in role GUIDs are the same in every tenant and never change.
export const BUILT_IN_ROLES: ReadonlyMap<string, string> = new Map([
  ['Owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'],
  ['Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c'],
  ['Reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7'],
  ['User Access Administrator', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9'],
  ['Storage Account Contributor', '17d1049b-9a84-46fb-8f53-869881c3d3ab'],
  ['Storage Blob Data Owner', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'],
  ['Storage Blob Data Contributor', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'],
  ['Storage Blob Data Reader', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'],
  ['Storage Queue Data Contributor', '974c5e8b-45b9-4653-ba55-5f855dd0fb88'],
  ['Storage Queue Data Message Processor', '8a0f0c08-91a1-4084-bc3d-661d67233fed'],
  ['Storage Queue Data Message Sender', 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'],
  ['Storage Queue Data Reader', '19e7f393-937e-4f77-808e-94535e297925'],
  ['Storage Table Data Contributor', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'],
  ['Storage Table Data Reader', '76199698-9eea-4c19-bc75-cec21354c6b6'],
  ['Key Vault Administrator', '00482a5a-887f-4fb3-b363-3b7fe8e74483'],
  ['Key Vault Secrets Officer', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'],
  ['Key Vault Secrets User', '4633458b-17de-408a-b874-0445c86b69e6'],
  ['Monitoring Metrics Publisher', '3913510d-42f4-4e42-8a64-420c390055eb'],
]);

/**
 * The roles the deployment may grant (least privilege, issue 7): data-plane roles on its own storage
 * account, vault and App Insights component. No control-plane role (Owner, Contributor, …) at all.
 */
export const LEAST_PRIVILEGE_ROLES: readonly string[] = [
  'Storage Blob Data Owner',
  'Storage Queue Data Contributor',
  'Storage Table Data Contributor',
  'Key Vault Secrets Officer',
  'Monitoring Metrics Publisher',
];
