/**
 * The one error type of the API. Every failure a client sees is an `AppError` with a stable
 * UPPER_SNAKE code; `STATUS` maps each code to its HTTP status, and a code without one does not
 * compile. Messages exist in English and Brazilian Portuguese.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TWO_FACTOR_CODE_INVALID: 401,
  FORBIDDEN: 403,
  CROSS_SITE_REQUEST: 403,
  CSRF_TOKEN_INVALID: 403,
  NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  VERSION_CONFLICT: 409,
  STAGE_HAS_DEALS: 409,
  PIPELINE_HAS_DEALS: 409,
  ALREADY_MEMBER: 409,
  LAST_OWNER: 409,
  CONFLICT: 409,
  TWO_FACTOR_ALREADY_ENABLED: 409,
  TWO_FACTOR_NOT_ENABLED: 409,
  LINK_INVALID: 410,
  TWO_FACTOR_REQUIRED: 428,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FILE_TOO_LARGE: 413,
  FILE_TYPE_NOT_ALLOWED: 415,
  FILE_UPLOAD_MISMATCH: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNSAFE_DATABASE_ROLE: 503,
  DATABASE_UNAVAILABLE: 503,
  EMAIL_UNAVAILABLE: 503,
  SERVICE_MISCONFIGURED: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS;
export type Locale = "en" | "pt-BR";

const MESSAGES: Record<ErrorCode, Record<Locale, string>> = {
  VALIDATION_FAILED: {
    en: "Some fields are missing or invalid.",
    "pt-BR": "Alguns campos estão faltando ou são inválidos.",
  },
  MALFORMED_JSON: {
    en: "The request body is not valid JSON.",
    "pt-BR": "O corpo da requisição não é um JSON válido.",
  },
  UNAUTHENTICATED: {
    en: "Please log in to continue.",
    "pt-BR": "Entre na sua conta para continuar.",
  },
  INVALID_CREDENTIALS: {
    en: "Email or password is incorrect.",
    "pt-BR": "E-mail ou senha incorretos.",
  },
  TWO_FACTOR_CODE_INVALID: {
    en: "The code is incorrect or was already used. Enter the current code from your app.",
    "pt-BR": "O código está incorreto ou já foi usado. Digite o código atual do seu aplicativo.",
  },
  FORBIDDEN: {
    en: "Your role does not allow this action.",
    "pt-BR": "Seu papel não permite esta ação.",
  },
  CROSS_SITE_REQUEST: {
    en: "This request came from another site and was refused.",
    "pt-BR": "Esta requisição veio de outro site e foi recusada.",
  },
  CSRF_TOKEN_INVALID: {
    en: "This form has expired or was not sent from Gallo CRM. Reload the page and try again.",
    "pt-BR":
      "Este formulário expirou ou não foi enviado pelo Gallo CRM. Recarregue a página e tente de novo.",
  },
  NOT_FOUND: {
    en: "We could not find what you asked for.",
    "pt-BR": "Não encontramos o que você procurou.",
  },
  EMAIL_TAKEN: {
    en: "An account with this email already exists.",
    "pt-BR": "Já existe uma conta com este e-mail.",
  },
  ALREADY_MEMBER: {
    en: "This person is already a member of the organisation.",
    "pt-BR": "Esta pessoa já é membro da organização.",
  },
  LAST_OWNER: {
    en: "The organisation needs at least one owner. Make someone else an owner first.",
    "pt-BR":
      "A organização precisa de pelo menos um proprietário. Torne outra pessoa proprietária antes.",
  },
  CONFLICT: {
    en: "This changed while you were working on it. Reload and try again.",
    "pt-BR": "Isto mudou enquanto você trabalhava nele. Recarregue e tente de novo.",
  },
  TWO_FACTOR_ALREADY_ENABLED: {
    en: "Two-factor authentication is already on. Turn it off first to set up a new device.",
    "pt-BR":
      "A autenticação em dois fatores já está ativa. Desative-a antes de configurar um novo aparelho.",
  },
  TWO_FACTOR_NOT_ENABLED: {
    en: "Two-factor authentication is not set up for your account.",
    "pt-BR": "A autenticação em dois fatores não está configurada na sua conta.",
  },
  LINK_INVALID: {
    en: "This link has expired or was already used. Ask for a new one.",
    "pt-BR": "Este link expirou ou já foi usado. Peça um novo.",
  },
  TWO_FACTOR_REQUIRED: {
    en: "Your organisation requires two-factor authentication. Set it up to continue.",
    "pt-BR": "Sua organização exige autenticação em dois fatores. Ative-a para continuar.",
  },
  EMAIL_UNAVAILABLE: {
    en: "We could not send the email right now. Please try again in a few minutes.",
    "pt-BR": "Não conseguimos enviar o e-mail agora. Tente novamente em alguns minutos.",
  },
  VERSION_CONFLICT: {
    en: "Someone else changed this record while you were editing. Reload it to see their changes, then try again.",
    "pt-BR":
      "Outra pessoa alterou este registro enquanto você editava. Recarregue para ver as mudanças e tente de novo.",
  },
  STAGE_HAS_DEALS: {
    en: "This stage still has deals. Move them to another stage first (or name one in moveDealsTo).",
    "pt-BR":
      "Esta etapa ainda tem negócios. Mova-os para outra etapa antes (ou indique uma em moveDealsTo).",
  },
  PIPELINE_HAS_DEALS: {
    en: "This pipeline still has deals (those in the trash count too). Move them to another pipeline first.",
    "pt-BR":
      "Este funil ainda tem negócios (os da lixeira também contam). Mova-os para outro funil antes.",
  },
  PAYLOAD_TOO_LARGE: {
    en: "The request is too large.",
    "pt-BR": "A requisição é grande demais.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    en: "Send the request body as JSON.",
    "pt-BR": "Envie o corpo da requisição como JSON.",
  },
  FILE_TOO_LARGE: {
    en: "This file is larger than the limit for uploads.",
    "pt-BR": "Este arquivo é maior que o limite para envios.",
  },
  FILE_TYPE_NOT_ALLOWED: {
    en: "Files of this type cannot be attached. Try PDF, images, spreadsheets, documents or text.",
    "pt-BR":
      "Arquivos deste tipo não podem ser anexados. Tente PDF, imagens, planilhas, documentos ou texto.",
  },
  FILE_UPLOAD_MISMATCH: {
    en: "The uploaded file is not the one announced (size or type differ), or it has not arrived yet. Upload it again.",
    "pt-BR":
      "O arquivo enviado não é o anunciado (tamanho ou tipo diferentes) ou ainda não chegou. Envie-o de novo.",
  },
  RATE_LIMITED: {
    en: "Too many attempts. Please wait and try again.",
    "pt-BR": "Muitas tentativas. Aguarde e tente novamente.",
  },
  INTERNAL: {
    en: "Something went wrong on our side. Please try again.",
    "pt-BR": "Algo deu errado do nosso lado. Tente novamente.",
  },
  UNSAFE_DATABASE_ROLE: {
    en: "The service is unavailable for safety reasons. We have been alerted.",
    "pt-BR": "O serviço está indisponível por segurança. Já fomos avisados.",
  },
  DATABASE_UNAVAILABLE: {
    en: "The database is unavailable. Please try again shortly.",
    "pt-BR": "O banco de dados está indisponível. Tente novamente em instantes.",
  },
  SERVICE_MISCONFIGURED: {
    en: "The service is unavailable because of a configuration problem. We have been alerted.",
    "pt-BR": "O serviço está indisponível por um problema de configuração. Já fomos avisados.",
  },
};

/** A field-level problem, as returned in `error.details` for VALIDATION_FAILED. */
export type FieldIssue = { path: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: FieldIssue[];
  readonly retryAfterSeconds?: number;

  /**
   * @param code stable machine code; decides the HTTP status
   * @param options.details per-field problems shown to the client
   * @param options.retryAfterSeconds sent as `Retry-After` (RATE_LIMITED)
   * @param options.cause the underlying error, logged but never sent
   */
  constructor(
    code: ErrorCode,
    options: { details?: FieldIssue[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(code, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }
}

export function errorMessage(code: ErrorCode, locale: Locale): string {
  return MESSAGES[code][locale];
}

/** Picks pt-BR for any Portuguese `Accept-Language` preferred over English, else English. */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return "en";
  const first = acceptLanguage.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("pt") ? "pt-BR" : "en";
}
