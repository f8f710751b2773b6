// The well-known folders every mailbox has, with the display names Outlook gives them
// (https://learn.microsoft.com/graph/api/resources/mailfolder#well-known-folder-names).
// msgfolderroot is the hidden "Top of Information Store": GET mailFolders lists its children.
export const ROOT_WELL_KNOWN_NAME = 'msgfolderroot';

export const WELL_KNOWN_FOLDERS: readonly { name: string; displayName: string }[] = [
  { name: 'inbox', displayName: 'Inbox' },
  { name: 'drafts', displayName: 'Drafts' },
  { name: 'sentitems', displayName: 'Sent Items' },
  { name: 'deleteditems', displayName: 'Deleted Items' },
  { name: 'junkemail', displayName: 'Junk Email' },
  { name: 'archive', displayName: 'Archive' },
  { name: 'outbox', displayName: 'Outbox' },
];

export const ROOT_DISPLAY_NAME = 'Top of Information Store';

const NAMES = new Set([ROOT_WELL_KNOWN_NAME, ...WELL_KNOWN_FOLDERS.map((folder) => folder.name)]);

export function isWellKnownName(value: string): boolean {
  return NAMES.has(value.toLowerCase());
}
