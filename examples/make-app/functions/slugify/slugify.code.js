function slugify(text) {
    // "Zoë Müller" → "zoe-muller": plain letters and digits, words joined by dashes.
    return iml.ascii(iml.lower(text), true).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}
