import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../src/notes/markdown.ts";

/** The markup of `html`: its real tags, not text that merely looks like one (`&lt;img&gt;`). */
function tagsOf(html: string): string {
  return (html.match(/<\/?[a-z][^>]*>/gi) ?? []).join(" ").toLowerCase();
}

describe("renderMarkdown", () => {
  it.each([
    { what: "a script tag", body: "hi <script>alert(1)</script>", banned: /<script/ },
    { what: "an img with onerror", body: '<img src=x onerror="alert(1)">', banned: /<img|onerror/ },
    {
      what: "an event handler in a link title",
      body: '[x](https://a.example "t" onclick=1)',
      banned: /onclick/,
    },
    { what: "a javascript: link", body: "[click](javascript:alert(1))", banned: /href/ },
    { what: "a javascript: link with a tab", body: "[x](java\tscript:alert(1))", banned: /href/ },
    { what: "an upper-case JAVASCRIPT: link", body: "[x](JAVASCRIPT:alert(1))", banned: /href/ },
    {
      what: "an entity-encoded javascript: link",
      body: "[x](&#106;avascript:alert(1))",
      banned: /href/,
    },
    { what: "a vbscript: link", body: "[x](vbscript:msgbox(1))", banned: /href/ },
    { what: "a data: link", body: "[x](data:text/html;base64,PHNjcmlwdD4=)", banned: /href/ },
    { what: "an autolink to javascript:", body: "<javascript:alert(1)>", banned: /href/ },
    { what: "a protocol-relative link", body: "[x](//evil.example/path)", banned: /href/ },
    {
      what: "an image with a javascript: source",
      body: "![x](javascript:alert(1))",
      banned: /<img|src=/,
    },
    { what: "an iframe", body: '<iframe src="https://evil.example"></iframe>', banned: /<iframe/ },
    { what: "a style tag", body: "<style>body{display:none}</style>", banned: /<style/ },
    { what: "an svg with onload", body: '<svg onload="alert(1)"></svg>', banned: /<svg|onload/ },
    {
      what: "a form",
      body: '<form action="https://evil.example"><input></form>',
      banned: /<form|<input/,
    },
  ])("does not let $what through as markup", ({ body, banned }) => {
    const html = renderMarkdown(body);

    expect(tagsOf(html)).not.toMatch(banned);
  });

  it.each(["<b>bold</b>", '<span title="t">ok</span>', "<div>block</div>"])(
    "shows raw HTML %s as text rather than markup",
    (body) => {
      const html = renderMarkdown(body);

      expect(tagsOf(html)).toBe("<p> </p>");
      expect(html).toContain("&lt;");
    },
  );

  it("renders the Markdown people use in notes", () => {
    const html = renderMarkdown(
      "# Reunião\n\n**Cliente** quer _desconto_.\n\n- item 1\n- item 2\n\n[site](https://exemplo.com.br) e `código`",
    );

    expect(html).toContain("<h1>Reunião</h1>");
    expect(html).toContain("<strong>Cliente</strong>");
    expect(html).toContain("<em>desconto</em>");
    expect(html).toContain("<li>item 1</li>");
    expect(html).toContain("<code>código</code>");
    expect(html).toContain(
      '<a href="https://exemplo.com.br" rel="noopener noreferrer nofollow" target="_blank">site</a>',
    );
  });

  it.each(["mailto:ana@exemplo.com.br", "tel:+5511999990000", "https://exemplo.com.br/a?b=1"])(
    "keeps a %s link",
    (href) => {
      expect(renderMarkdown(`[x](${href})`)).toContain(`href="${href.replace("&", "&amp;")}"`);
    },
  );
});
