/** The text of every email we send, in English and Brazilian Portuguese. */
import type { Locale } from "../lib/errors.ts";
import type { Email } from "./email.ts";

type Template = (to: string, locale: Locale, values: Record<string, string>) => Email;

export const verifyRegistrationEmail: Template = (to, locale, { link, organisation }) =>
  locale === "pt-BR"
    ? {
        to,
        subject: "Confirme seu e-mail para criar sua conta no Gallo CRM",
        text: `Olá!\n\nPara criar a organização "${organisation}" no Gallo CRM, confirme seu e-mail abrindo este link (válido por 24 horas):\n\n${link}\n\nSe não foi você, ignore esta mensagem.`,
      }
    : {
        to,
        subject: "Confirm your email to create your Gallo CRM account",
        text: `Hello!\n\nTo create the organisation "${organisation}" on Gallo CRM, confirm your email by opening this link (valid for 24 hours):\n\n${link}\n\nIf this was not you, ignore this message.`,
      };

export const accountExistsEmail: Template = (to, locale, { loginLink, resetLink }) =>
  locale === "pt-BR"
    ? {
        to,
        subject: "Você já tem uma conta no Gallo CRM",
        text: `Olá!\n\nAlguém (talvez você) tentou criar uma conta com este e-mail, mas ela já existe.\n\nEntrar: ${loginLink}\nEsqueceu a senha? ${resetLink}\n\nSe não foi você, nada mudou na sua conta.`,
      }
    : {
        to,
        subject: "You already have a Gallo CRM account",
        text: `Hello!\n\nSomeone (maybe you) tried to sign up with this email, but an account already exists.\n\nLog in: ${loginLink}\nForgot your password? ${resetLink}\n\nIf this was not you, nothing changed on your account.`,
      };
