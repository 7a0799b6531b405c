"""The full-text search index: Pagefind, and the CBOR of its index files."""
