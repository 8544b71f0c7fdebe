/**
 * TOTP (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits) with otplib v13, and the enrolment QR
 * code, rendered here as SVG so the secret never leaves our server on its way to the user.
 */
import { ScureBase32Plugin } from "@otplib/plugin-base32-scure";
import { NobleCryptoPlugin } from "@otplib/plugin-crypto-noble";
import { TOTP } from "@otplib/totp";
import { renderSVG } from "uqr";

export const PERIOD_SECONDS = 30;
const ISSUER = "Gallo CRM";

// Pure-JS plugins: no Node crypto module, so they run unchanged inside workerd.
const totp = new TOTP({
  issuer: ISSUER,
  period: PERIOD_SECONDS,
  digits: 6,
  algorithm: "sha1",
  crypto: new NobleCryptoPlugin(),
  base32: new ScureBase32Plugin(),
});

/** A new random secret (base32), as authenticator apps expect it. */
export function newTotpSecret(): string {
  return totp.generateSecret();
}

/** What the enrolment screen shows: the otpauth URI, and the same as a QR code in SVG. */
export function enrolmentOffer(secret: string, accountName: string) {
  const otpauthUri = totp.toURI({ label: accountName, secret });
  const qrSvg = renderSVG(otpauthUri, { ecc: "M", border: 2, pixelSize: 8 });
  return { otpauthUri, secret, qrSvg };
}

/**
 * The time step `code` belongs to, if it is valid now, one step before or one after (clock drift),
 * and later than `afterStep`. The caller must still claim the step atomically (see
 * two-factor.service.ts): this check alone does not stop two concurrent uses of one code.
 *
 * @param epochSeconds the current time; tests pass their own to probe the window
 */
export async function matchingStep(input: {
  secret: string;
  code: string;
  afterStep: number | null;
  epochSeconds?: number;
}): Promise<number | undefined> {
  const epoch = input.epochSeconds ?? Math.floor(Date.now() / 1000);
  const latest = Math.floor(epoch / PERIOD_SECONDS) + 1;
  // otplib throws when asked to skip past the whole window; nothing could match anyway.
  if (input.afterStep !== null && input.afterStep >= latest) return undefined;

  const result = await totp.verify(input.code, {
    secret: input.secret,
    epoch,
    epochTolerance: PERIOD_SECONDS,
    afterTimeStep: input.afterStep ?? undefined,
  });
  return result.valid ? result.timeStep : undefined;
}
