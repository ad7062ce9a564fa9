"""``{% research_offer application %}``: on the applicant's own pages, a short note and
a link when a study is recruiting at the clinic they apply to (one query)."""

from django import template

from ..actions import open_studies_for

register = template.Library()


@register.inclusion_tag("research/_application_offer.html")
def research_offer(application) -> dict:
    return {"application": application, "studies": open_studies_for(application)}
