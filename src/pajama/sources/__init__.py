"""Source readers: one module per input kind; each registers itself with `@register_reader`."""
