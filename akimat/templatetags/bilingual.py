"""Public texts in both official languages, Kazakh first as public offices in Kazakhstan show
them: `{% bilingual %}{% translate "Now called" %}{% endbilingual %}` renders its content once in
Kazakh and once in Russian, each marked with its `lang`. Inside, `{% translate %}`,
`{% blocktranslate %}` and data named in both languages (`in_language`) follow the language of
each pass, and `makemessages` still finds every msgid."""

from __future__ import annotations

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context
from django.utils import translation
from django.utils.html import format_html

from akimat.models import Language

register = template.Library()

# Kazakh first, then Russian.
ORDER = (Language.KK, Language.RU)


class BilingualNode(template.Node):
    def __init__(self, nodelist: NodeList, tag: str) -> None:
        self.nodelist = nodelist
        self.tag = tag

    def render(self, context: Context) -> str:
        parts = []
        for language in ORDER:
            with translation.override(language):
                parts.append(
                    format_html(
                        '<{} class="bilingual bilingual-{}" lang="{}">{}</{}>',
                        self.tag,
                        language,
                        language,
                        self.nodelist.render(context),
                        self.tag,
                    )
                )
        return format_html("{}{}", *parts)


@register.tag
def bilingual(parser: Parser, token: Token) -> BilingualNode:
    """`{% bilingual %}…{% endbilingual %}` in spans; `{% bilingual "div" %}` in blocks."""
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("{% bilingual %} takes at most the element's name.")
    tag = bits[1].strip("\"'") if len(bits) == 2 else "span"
    if tag not in {"span", "div", "p"}:
        raise template.TemplateSyntaxError("{% bilingual %} wraps in a span, a div or a p.")
    nodelist = parser.parse(("endbilingual",))
    parser.delete_first_token()
    return BilingualNode(nodelist, tag)
