/**
 * What the process logger never writes, whatever a log call hands it: credentials that travel in
 * headers (session and personal access tokens, share tokens, cookies). The request log line names
 * method, path and status only; this is the net under it (security.md, "Personal access tokens").
 */
export const LOG_REDACT = {
  paths: ['authorization', 'cookie', '*.authorization', '*.cookie', '*["x-share-token"]', 'headers.authorization', 'headers.cookie', '*.headers.authorization', '*.headers.cookie'],
  censor: '[redacted]',
};
