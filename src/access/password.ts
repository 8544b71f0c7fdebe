/**
 * Password hashing: NFC-normalise, pre-hash with HMAC-SHA-256 under a server-side key, then bcrypt.
 *
 * Why the pre-hash: bcrypt reads only the first 72 bytes, and a long Portuguese passphrase passes
 * that; the HMAC digest (44 base64 characters) keeps every byte significant. Why NFC: "ç" typed on
 * macOS and on Windows can arrive as different code points.
 */
import { compare, hash } from "bcrypt-ts";

/** bcrypt work factor; see README "Security model" for what it costs inside workerd. */
export const BCRYPT_COST = 10;

// Compared against when the email is unknown, so that a login for a missing account costs the
// same time as one for an existing account. Made once per isolate, at the current cost, by the
// request that awaits it. Kept as a string, not a shared promise: bcrypt-ts works in timer slices,
// and workerd drops a request's pending timers when it ends, so a promise started by one login
// and left running could never settle for the next one (unknown-email logins then hung).
let dummyHash: string | undefined;

export async function hashPassword(password: string, pepper: string): Promise<string> {
  return hash(await prehash(password, pepper), BCRYPT_COST);
}

/** True when `password` matches `stored`; with no stored hash, burns the same time and is false. */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
  pepper: string,
): Promise<boolean> {
  dummyHash ??= await hash(crypto.randomUUID(), BCRYPT_COST);
  const ok = await compare(await prehash(password, pepper), stored ?? dummyHash);
  return ok && stored !== undefined;
}

async function prehash(password: string, pepper: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(pepper),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(password.normalize("NFC")));
  return btoa(String.fromCharCode(...new Uint8Array(mac)));
}
