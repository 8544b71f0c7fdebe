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

export const passwordResetEmail: Template = (to, locale, { link }) =>
  locale === "pt-BR"
    ? {
        to,
        subject: "Redefina sua senha do Gallo CRM",
        text: `Olá!\n\nRecebemos um pedido para redefinir a senha da sua conta no Gallo CRM. Para escolher uma nova senha, abra este link (válido por 1 hora, uma única vez):\n\n${link}\n\nAo redefinir, você sai de todas as sessões abertas. Se não foi você, ignore esta mensagem: sua senha continua a mesma.`,
      }
    : {
        to,
        subject: "Reset your Gallo CRM password",
        text: `Hello!\n\nWe received a request to reset the password of your Gallo CRM account. To choose a new password, open this link (valid for 1 hour, once):\n\n${link}\n\nResetting logs you out of every open session. If this was not you, ignore this message: your password stays the same.`,
      };

export const passwordResetNoAccountEmail: Template = (to, locale, { signUpLink }) =>
  locale === "pt-BR"
    ? {
        to,
        subject: "Pedido de redefinição de senha no Gallo CRM",
        text: `Olá!\n\nAlguém (talvez você) pediu para redefinir a senha de uma conta do Gallo CRM com este e-mail, mas não existe conta com ele.\n\nQuer criar uma? ${signUpLink}\n\nSe foi convidado por uma organização, use o link do convite. Se não foi você, ignore esta mensagem.`,
      }
    : {
        to,
        subject: "Password reset request on Gallo CRM",
        text: `Hello!\n\nSomeone (maybe you) asked to reset the password of a Gallo CRM account with this email, but there is no account with it.\n\nWant to create one? ${signUpLink}\n\nIf an organisation invited you, use the link in the invitation. If this was not you, ignore this message.`,
      };

const ROLE_NAMES: Record<string, Record<Locale, string>> = {
  owner: { en: "owner", "pt-BR": "proprietário" },
  admin: { en: "admin", "pt-BR": "administrador" },
  member: { en: "member", "pt-BR": "membro" },
  viewer: { en: "viewer", "pt-BR": "leitor" },
};

export const invitationEmail: Template = (to, locale, { link, organisation, inviter, role }) => {
  const roleName = ROLE_NAMES[role ?? ""]?.[locale] ?? role;
  return locale === "pt-BR"
    ? {
        to,
        subject: `Convite para ${organisation} no Gallo CRM`,
        text: `Olá!\n\n${inviter} convidou você para entrar na organização "${organisation}" no Gallo CRM como ${roleName}. Para aceitar, abra este link (válido por 7 dias, uma única vez):\n\n${link}\n\nSe você ainda não tem conta, vai escolher uma senha; se já tem, entre com ela. Se não esperava este convite, ignore esta mensagem.`,
      }
    : {
        to,
        subject: `Invitation to ${organisation} on Gallo CRM`,
        text: `Hello!\n\n${inviter} invited you to join the organisation "${organisation}" on Gallo CRM as ${roleName}. To accept, open this link (valid for 7 days, once):\n\n${link}\n\nIf you have no account yet, you will choose a password; if you have one, log in with it. If you did not expect this invitation, ignore this message.`,
      };
};
