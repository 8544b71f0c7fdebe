/**
 * Encryption of TOTP secrets at rest: AES-256-GCM under `TOTP_ENCRYPTION_KEY` (a Worker secret,
 * never in the database), a fresh random 96-bit IV per encryption, and the user id as additional
 * data, so a ciphertext copied onto another user's row does not decrypt.
 *
 * Stored form: `v1.` + base64(iv ‖ ciphertext+tag). The version names the scheme so a future key
 * rotation can tell old rows from new ones.
 */

const VERSION = "v1";
const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encrypts `plaintext` (a base32 secret) for storage on `userId`'s row. */
export async function sealSecret(
  keyBase64: string,
  userId: string,
  plaintext: string,
): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(userId) },
    await importKey(keyBase64),
    encoder.encode(plaintext),
  );
  const sealed = new Uint8Array(IV_BYTES + ciphertext.byteLength);
  sealed.set(iv);
  sealed.set(new Uint8Array(ciphertext), IV_BYTES);
  return `${VERSION}.${toBase64(sealed)}`;
}

/** Decrypts what `sealSecret` stored for `userId`; throws if it was altered or moved. */
export async function openSecret(
  keyBase64: string,
  userId: string,
  stored: string,
): Promise<string> {
  const [version, payload] = stored.split(".");
  if (version !== VERSION || !payload) throw new Error("unknown TOTP secret format");
  const sealed = fromBase64(payload);
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: sealed.slice(0, IV_BYTES), additionalData: encoder.encode(userId) },
    await importKey(keyBase64),
    sealed.slice(IV_BYTES),
  );
  return decoder.decode(plaintext);
}

async function importKey(keyBase64: string): Promise<CryptoKey> {
  const raw = fromBase64(keyBase64);
  // A short key would silently select AES-128; the issue asks for 32 random bytes.
  if (raw.length !== 32) throw new Error("TOTP_ENCRYPTION_KEY must be 32 bytes, base64");
  return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
