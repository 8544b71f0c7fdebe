/**
 * Recovery codes: ten single-use codes shown once, such as `k7m2-x9qp-4hfn`. Each carries about
 * 59 random bits, so a plain SHA-256 is enough to store them (no slow hash needed, unlike
 * passwords): a leaked table gives nothing to guess from.
 */
import { sha256Hex } from "../lib/crypto.ts";

export const RECOVERY_CODE_COUNT = 10;

// Lower-case letters and digits without the look-alikes 0/o, 1/l/i: read aloud or copied by hand.
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const GROUPS = 3;
const GROUP_LENGTH = 4;

/** Ten fresh codes as the user will see them. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
}

/** The stored form of a code as typed: case, spaces and dashes do not matter. */
export function hashRecoveryCode(typed: string): Promise<string> {
  return sha256Hex(`recovery:${typed.toLowerCase().replace(/[\s-]/g, "")}`);
}

function newRecoveryCode(): string {
  const chars: string[] = [];
  // Rejection sampling: bytes at or above the largest multiple of the alphabet's size would make
  // the first characters likelier than the rest.
  const limit = 256 - (256 % ALPHABET.length);
  while (chars.length < GROUPS * GROUP_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(16))) {
      if (byte < limit && chars.length < GROUPS * GROUP_LENGTH) {
        chars.push(ALPHABET[byte % ALPHABET.length] ?? "");
      }
    }
  }
  const groups = Array.from({ length: GROUPS }, (_, i) =>
    chars.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH).join(""),
  );
  return groups.join("-");
}
