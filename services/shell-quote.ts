/**
 * One shell word from any text: single-quoted, each `'` closed, escaped and reopened. Every script
 * Stagecraft writes for a host or a Job quotes user text (file names, ARNs, paths) with this.
 */
export const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
