import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true })

/**
 * Task descriptions and comments are Markdown. Raw HTML is not parsed
 * (`html: false`) and the output is sanitised anyway, so what reaches
 * `{{{ }}}` in a template holds only harmless tags and http(s)/mailto links.
 */
export function renderMarkdown(source: string | null | undefined): string {
  if (!source) return ''
  return sanitizeHtml(markdown.render(source), {
    allowedTags: [
      'p',
      'br',
      'strong',
      'em',
      's',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'a',
      'h1',
      'h2',
      'h3',
      'h4',
      'hr',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
    ],
    allowedAttributes: { a: ['href', 'title', 'rel', 'target'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer', target: '_blank' }),
    },
  })
}
