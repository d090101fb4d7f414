it('joins words with dashes and drops accents', () => {
    assert.strictEqual(slugify('Zoë Müller'), 'zoe-muller');
    assert.strictEqual(slugify('  Acme CRM, Inc. '), 'acme-crm-inc');
});
