/**
 * File names: cleaned when stored, and sent back in a Content-Disposition header that every
 * browser reads correctly, accents and all (RFC 6266 with RFC 5987's `filename*`).
 */

/**
 * The name as stored: Unicode NFC, without control characters, path separators or characters
 * Windows refuses, spaces collapsed, at most 200 characters; "file" if nothing is left.
 */
export function cleanFileName(name: string): string {
  const cleaned = name
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, "")
    .replace(/[/\\:*?"<>|]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    // A leading dot would hide the file on Unix; leading dots and spaces go.
    .replace(/^[.\s]+/, "");
  return [...cleaned].slice(0, 200).join("") || "file";
}

/**
 * `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` for `name`: old
 * clients read the ASCII fallback (accents dropped, other characters as `_`), current browsers the
 * exact UTF-8 name.
 */
export function attachmentDisposition(name: string): string {
  const fallback = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\x20-\x7e]/g, "_")
    .replace(/["\\]/g, "_");
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

/** Percent-encoding of RFC 5987's attr-char set (stricter than encodeURIComponent). */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
