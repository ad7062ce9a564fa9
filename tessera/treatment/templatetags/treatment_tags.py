from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """A value from a dict by a key held in a variable (worksheet answers)."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""
