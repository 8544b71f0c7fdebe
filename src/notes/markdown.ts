/**
 * Markdown to safe HTML for notes. Two layers, so a gap in one is not a hole:
 * 1. markdown-it with raw HTML off (any `<tag>` in the source comes out as text) and its link
 *    validation, tightened to http(s), mailto and tel;
 * 2. sanitize-html (a parser, no DOM, so it runs in Workers) with a short allowlist of tags and
 *    attributes and the same URL schemes, which drops anything the first layer let through.
 */
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

const SCHEMES = ["http", "https", "mailto", "tel"];

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
markdown.validateLink = (url) => isSafeUrl(url);

// Links open outside the app and tell the target nothing about it.
const defaultLinkOpen =
  markdown.renderer.rules.link_open ??
  ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  const token = tokens[index];
  token?.attrSet("rel", "noopener noreferrer nofollow");
  token?.attrSet("target", "_blank");
  return defaultLinkOpen(tokens, index, options, env, self);
};

// Images become links to the image: an <img> in a note would load a third party's pixel (and tell
// it who read the note) the moment a colleague opens the record.
markdown.renderer.rules.image = (tokens, index) => {
  const token = tokens[index];
  const src = String(token?.attrGet("src") ?? "");
  const text = markdown.utils.escapeHtml(token?.content || src);
  const href = markdown.utils.escapeHtml(src);
  return `<a href="${href}" rel="noopener noreferrer nofollow" target="_blank">${text}</a>`;
};

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel", "target"],
    ol: ["start"],
    th: ["style"],
    td: ["style"],
  },
  // Table alignment is the only style markdown-it emits.
  allowedStyles: { "*": { "text-align": [/^(left|right|center)$/] } },
  allowedSchemes: SCHEMES,
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
};

/** Renders a note's Markdown `body` to HTML that is safe to insert into the web app's page. */
export function renderMarkdown(body: string): string {
  return sanitizeHtml(markdown.render(body), ALLOWED);
}

function isSafeUrl(url: string): boolean {
  // Control characters and whitespace inside a scheme ("java\tscript:") are how filters get fooled.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: -- they are what this line removes
  const compact = url.replace(/[\u0000-\u0020\u007f]/g, "").toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact)?.[1];
  return scheme === undefined || SCHEMES.includes(scheme);
}
