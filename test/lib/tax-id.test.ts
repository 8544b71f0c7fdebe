import { describe, expect, it } from "vitest";
import {
  formatTaxId,
  normaliseCnpj,
  normaliseCpf,
  normaliseNif,
  taxIdKindFor,
} from "../../src/lib/tax-id.ts";

describe("normaliseCnpj", () => {
  it.each([
    // The Receita Federal's example of the alphanumeric CNPJ (valid from July 2026): the check
    // digits come from each character's ASCII code minus 48 (A = 17, B = 18, ...).
    { input: "12.ABC.345/01DE-35", stored: "12ABC34501DE35" },
    { input: "12ABC34501DE35", stored: "12ABC34501DE35" },
    { input: "12.abc.345/01de-35", stored: "12ABC34501DE35" },
    // Numeric CNPJs keep their check digits under the new rule.
    { input: "11.222.333/0001-81", stored: "11222333000181" },
    { input: " 11222333000181 ", stored: "11222333000181" },
  ])("accepts $input as $stored", ({ input, stored }) => {
    expect(normaliseCnpj(input)).toBe(stored);
  });

  it.each([
    "12.ABC.345/01DE-36",
    "11.222.333/0001-82",
    "00.000.000/0000-00",
    "12ABC34501DE3A",
    "12ABC34501DE",
    "12.ABC.345/01DE-35X",
    "12#ABC345/01DE-35",
  ])("refuses %j", (input) => {
    expect(normaliseCnpj(input)).toBeUndefined();
  });
});

describe("normaliseCpf", () => {
  it.each(["529.982.247-25", "52998224725"])("accepts %j", (input) => {
    expect(normaliseCpf(input)).toBe("52998224725");
  });

  it.each(["529.982.247-24", "000.000.000-00", "1234567890", "529.982.247-2a"])(
    "refuses %j",
    (input) => {
      expect(normaliseCpf(input)).toBeUndefined();
    },
  );
});

describe("normaliseNif", () => {
  it.each([
    { input: "501964843", stored: "501964843" },
    { input: "PT 501 964 843", stored: "501964843" },
    { input: "123456789", stored: "123456789" },
    // Check digit 11 - (sum mod 11) of 10 or 11 becomes 0.
    { input: "999999990", stored: "999999990" },
  ])("accepts $input as $stored", ({ input, stored }) => {
    expect(normaliseNif(input)).toBe(stored);
  });

  it.each(["501964842", "012345678", "50196484", "5019648431", "ABC964843"])(
    "refuses %j",
    (input) => {
      expect(normaliseNif(input)).toBeUndefined();
    },
  );
});

describe("formatTaxId and taxIdKindFor", () => {
  it.each([
    { kind: "cnpj", stored: "12ABC34501DE35", shown: "12.ABC.345/01DE-35" },
    { kind: "cnpj", stored: "11222333000181", shown: "11.222.333/0001-81" },
    { kind: "cpf", stored: "52998224725", shown: "529.982.247-25" },
    { kind: "nif", stored: "501964843", shown: "501 964 843" },
  ] as const)("shows $stored as $shown", ({ kind, stored, shown }) => {
    expect(formatTaxId(kind, stored)).toBe(shown);
  });

  it("uses CNPJ in Brazil and NIF in Portugal", () => {
    expect([taxIdKindFor("BR"), taxIdKindFor("PT")]).toEqual(["cnpj", "nif"]);
  });
});
