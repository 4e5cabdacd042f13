"""A small, accessible block set for the secretariat's pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("titre"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("niveau"), choices=[("h2", _("Titre de section")), ("h3", _("Sous-titre"))]
    )

    class Meta:
        template = "cms/blocks/heading.html"
        icon = "title"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("citation"))
    source = blocks.CharBlock(label=_("source"), required=False)

    class Meta:
        template = "cms/blocks/quote.html"
        icon = "openquote"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("intitulé du lien"), required=False)

    class Meta:
        template = "cms/blocks/document_link.html"
        icon = "doc-full"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("texte"), max_length=120)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("adresse"), required=False)

    class Meta:
        template = "cms/blocks/call_to_action.html"
        icon = "link"


class FigureBlock(blocks.StructBlock):
    """Wagtail's ImageBlock refuses an image without alt text unless the editor marks it
    decorative (then alt="" on purpose); the caption is optional."""

    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("légende"), required=False, max_length=250)

    class Meta:
        template = "cms/blocks/figure.html"
        icon = "image"
        label = _("image")


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("paragraphe"), features=["bold", "italic", "link", "ol", "ul", "document-link"]
    )
    quote = QuoteBlock()
    document = DocumentLinkBlock()
    table = TableBlock(label=_("tableau"))
    call_to_action = CallToActionBlock()
    figure = FigureBlock()
